/// <reference lib="dom" />
import type { Locator, Page } from '@playwright/test';

/** The Images view: the drop zone, the build dialog, job panels, a node's images and the library. */
export class ImagesPage {
  constructor(private readonly page: Page) {}

  async open(node: string): Promise<void> {
    await this.page.getByRole('link', { name: 'Images' }).click();
    await this.page.getByRole('combobox', { name: 'Node' }).selectOption(node);
  }

  /**
   * Drops files on `target` as the desktop does: a DataTransfer holding them, made in the page
   * (Playwright cannot drag from the OS), with a drop event whose default the page must prevent.
   */
  async drop(target: Locator, files: Record<string, string>): Promise<void> {
    const transfer = await this.page.evaluateHandle((entries: [string, string][]) => {
      const dt = new DataTransfer();
      for (const [name, text] of entries) dt.items.add(new File([text], name));
      return dt;
    }, Object.entries(files));
    await target.dispatchEvent('dragover', { dataTransfer: transfer });
    await target.dispatchEvent('drop', { dataTransfer: transfer });
  }

  get dropzone(): Locator {
    return this.page.getByRole('region', { name: 'Drop a Dockerfile or a folder to build' });
  }

  async build(files: Record<string, string>, tag: string, options: { target?: Locator; node?: string } = {}): Promise<void> {
    await this.drop(options.target ?? this.dropzone, files);
    const dialog = this.page.getByRole('dialog', { name: /^Build / });
    if (options.node) await dialog.getByLabel('Node').selectOption(options.node);
    await dialog.getByLabel('Tag', { exact: true }).fill(tag);
    await dialog.getByRole('button', { name: 'Build' }).click();
  }

  panel(name: string | RegExp): Locator {
    return this.page.getByRole('article', { name });
  }

  image(tag: string): Locator {
    return this.page.getByRole('table', { name: /^Images on / }).getByRole('row', { name: tag });
  }
}
