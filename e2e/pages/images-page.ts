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

  /**
   * Drops files and folders from this machine's disk, as a drag from the file manager does: through
   * Chromium's DevTools protocol, so the page gets real entries (folders included) to walk.
   */
  async dropFromDisk(target: Locator, paths: string[]): Promise<void> {
    const box = await target.boundingBox();
    if (!box) throw new Error('The drop target is not on screen.');
    const point = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    const cdp = await this.page.context().newCDPSession(this.page);
    const data = { items: [], files: paths, dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...point, data });
    await cdp.detach();
  }

  get dropzone(): Locator {
    return this.page.getByRole('region', { name: 'Drop a Dockerfile or a folder to build' });
  }

  /** Drops what `source` names (files made in the page, or paths on disk), then builds it as `tag`. */
  async build(source: Record<string, string> | string[], tag: string, options: { target?: Locator; node?: string } = {}): Promise<void> {
    const target = options.target ?? this.dropzone;
    if (Array.isArray(source)) await this.dropFromDisk(target, source);
    else await this.drop(target, source);
    const dialog = this.page.getByRole('dialog', { name: /^Build / });
    if (options.node) await dialog.getByLabel('Node').selectOption(options.node);
    await dialog.getByLabel('Tag', { exact: true }).fill(tag);
    await dialog.getByRole('button', { name: 'Build' }).click();
  }

  /** Picks a folder (or a Dockerfile) with the Build buttons, as the file chooser would, then builds it as `tag`. */
  async buildPicked(path: string, tag: string, kind: 'folder' | 'dockerfile' = 'folder'): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.page.getByRole('button', { name: kind === 'folder' ? 'Build a folder…' : 'Build a Dockerfile…' }).click();
    await (await chooser).setFiles(path);
    const dialog = this.page.getByRole('dialog', { name: /^Build / });
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
