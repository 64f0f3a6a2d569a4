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

  /** The New session dialog, open. */
  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: 'New session' });
  }

  /** Opens the New session dialog and fills it in, without starting. */
  async fill(options: {
    node: string;
    image: string;
    gpus?: number | string;
    pull?: 'missing' | 'always' | 'never';
    name?: string;
    command?: string;
    env?: string;
    ports?: string;
  }): Promise<void> {
    if (!(await this.dialog.isVisible())) await this.page.getByRole('button', { name: 'New session' }).click();
    const dialog = this.dialog;
    await dialog.getByLabel('Node', { exact: true }).selectOption(options.node);
    if (options.gpus !== undefined) await dialog.getByLabel('GPUs').fill(String(options.gpus));
    await dialog.getByLabel('Image', { exact: true }).fill(options.image);
    if (options.pull) await dialog.getByLabel('Pull').selectOption(options.pull);
    if (options.name) await dialog.getByLabel('Name', { exact: true }).fill(options.name);
    if (options.command !== undefined) await dialog.getByLabel('Command').fill(options.command);
    if (options.env !== undefined) await dialog.getByLabel(/^Environment/).fill(options.env);
    if (options.ports !== undefined) await dialog.getByLabel(/^Ports to open here/).fill(options.ports);
  }

  async create(options: Parameters<SessionsPage['fill']>[0]): Promise<void> {
    await this.fill(options);
    await this.dialog.getByRole('button', { name: 'Start session' }).click();
  }

  /** Asks to stop a session from the Sessions view and confirms in the app's dialog. */
  async askToStop(name: string): Promise<void> {
    await this.open();
    await this.row(new RegExp(name)).getByRole('button', { name: 'Stop', exact: true }).click();
    await this.page
      .getByRole('dialog', { name: new RegExp(`^Stop ${name}`) })
      .getByRole('button', { name: 'Stop', exact: true })
      .click();
  }

  /** Stops a session from the Sessions view, confirming, and waits until it has gone from the list. */
  async stop(name: string): Promise<void> {
    await this.askToStop(name);
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
