import type { Locator, Page } from '@playwright/test';

/** The Nodes view, as a person sees it. */
export class NodesPage {
  constructor(private readonly page: Page) {}

  get heading(): Locator {
    return this.page.getByRole('heading', { name: 'Nodes', level: 1 });
  }

  group(cluster: string): Locator {
    return this.page.getByRole('group', { name: cluster });
  }

  node(name: string): Locator {
    return this.page.getByRole('article', { name });
  }

  gpuBar(name: string): Locator {
    return this.node(name).getByRole('list', { name: /^GPUs:/ });
  }

  gpu(name: string, index: number): Locator {
    return this.gpuBar(name).getByRole('listitem').nth(index);
  }

  async refresh(): Promise<void> {
    await this.page.getByRole('button', { name: 'Refresh' }).click();
  }
}
