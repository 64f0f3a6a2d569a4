import type { Locator, Page } from '@playwright/test';

export interface NewNode {
  name: string;
  cluster?: string;
  host: string;
  port: number;
  user: string;
  auth: 'ssh-agent' | 'Private key file' | 'Password' | 'Keyboard-interactive';
  keyFile?: string;
}

/** The dialogs of the Nodes view, filled in as a person would. */
export class NodeDialogs {
  constructor(private readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  async addNode(node: NewNode): Promise<void> {
    await this.page.getByRole('button', { name: 'Add node' }).click();
    const form = this.page.getByRole('dialog', { name: 'Add a node' });
    await form.getByLabel('Name').fill(node.name);
    if (node.cluster) await form.getByLabel('Cluster').fill(node.cluster);
    await form.getByLabel('Host', { exact: true }).fill(node.host);
    await form.getByLabel('Port').fill(String(node.port));
    await form.getByLabel('User').fill(node.user);
    await form.getByLabel('Authentication').selectOption({ label: node.auth });
    if (node.keyFile) await form.getByLabel('Private key file', { exact: true }).fill(node.keyFile);
    await form.getByRole('button', { name: 'Add node' }).click();
  }

  hostKeyDialog(node: string): Locator {
    return this.page.getByRole('dialog', { name: `Verify the host key of ${node}` });
  }

  async trustHostKey(node: string, how: 'Trust and remember' | 'Trust once' = 'Trust and remember'): Promise<void> {
    await this.hostKeyDialog(node).getByRole('button', { name: how }).click();
  }

  async enterSecret(node: string, value: string): Promise<void> {
    const dialog = this.page.getByRole('dialog', { name: `Connect to ${node}` });
    await dialog.getByLabel(/Password of|Passphrase of/).fill(value);
    await dialog.getByRole('button', { name: 'Connect' }).click();
  }
}
