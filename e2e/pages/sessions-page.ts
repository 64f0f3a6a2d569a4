import { expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

/** The Sessions view, the New session dialog and the terminal tabs, as a person uses them. */
export class SessionsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('link', { name: 'Sessions' }).click();
  }

  row(name: string | RegExp): Locator {
    return this.page.getByRole('row', { name });
  }

  async create(options: { node: string; image: string; gpus?: number; pull?: 'missing' | 'always' | 'never'; name?: string }): Promise<void> {
    await this.page.getByRole('button', { name: 'New session' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'New session' });
    await dialog.getByLabel('Node', { exact: true }).selectOption(options.node);
    if (options.gpus !== undefined) await dialog.getByLabel('GPUs').fill(String(options.gpus));
    await dialog.getByLabel('Image', { exact: true }).fill(options.image);
    if (options.pull) await dialog.getByLabel('Pull').selectOption(options.pull);
    if (options.name) await dialog.getByLabel('Name', { exact: true }).fill(options.name);
    await dialog.getByRole('button', { name: 'Start session' }).click();
  }

  /** Stops a session from the Sessions view, confirming, and waits until it has gone from the list. */
  async stop(name: string): Promise<void> {
    await this.open();
    this.page.once('dialog', (dialog) => void dialog.accept());
    await this.row(new RegExp(name)).getByRole('button', { name: 'Stop', exact: true }).click();
    await expect(this.page.getByRole('table', { name: 'Sessions', exact: true }).getByRole('row', { name: new RegExp(name) })).toHaveCount(0, {
      timeout: 30_000,
    });
  }

  tab(title: string | RegExp): Locator {
    return this.page.getByRole('tab', { name: title });
  }

  /** The text of the visible terminal, as xterm.js renders it. */
  get screen(): Locator {
    return this.page.locator('[data-testid^="terminal-"]:visible .xterm-rows');
  }

  /** The status lines above the visible terminal: reconnecting, or how its process ended. */
  get banner(): Locator {
    return this.page.locator('[data-testid^="terminal-"]:visible .banner-line');
  }

  /** The visible terminal's size in cells, as the UI computed it. */
  async size(): Promise<{ cols: number; rows: number }> {
    const pane = this.page.locator('[data-testid^="terminal-"]:visible');
    return { cols: Number(await pane.getAttribute('data-cols')), rows: Number(await pane.getAttribute('data-rows')) };
  }

  /** A key press into the visible terminal, e.g. Control+C. */
  async press(key: string): Promise<void> {
    await this.page.locator('[data-testid^="terminal-"]:visible .xterm-helper-textarea').focus();
    await this.page.keyboard.press(key);
  }

  async type(text: string): Promise<void> {
    await this.page.locator('[data-testid^="terminal-"]:visible .xterm-helper-textarea').focus();
    await this.page.keyboard.type(text);
  }
}
