import type { BerthClient, StreamHandle } from '../../app/client/berth-client';
import type { SessionInfo } from '../../app/contract';

export interface TerminalTab {
  key: string;
  kind: 'attach' | 'exec';
  session: SessionInfo;
  command: string[];
  /** Set once the back end has opened it. */
  terminal?: string;
  stream?: StreamHandle;
  /** Why it is not live: its process ended (with the code), or it could not open. */
  ended?: { exitCode: number | null; sessionEnded: boolean } | { problem: string };
}

/** The open terminal tabs, across sessions and nodes. The xterm instances live in the tab components. */
export class TerminalsState {
  tabs = $state<TerminalTab[]>([]);
  active = $state<string | null>(null);
  private counter = 0;

  constructor(readonly client: BerthClient) {}

  open(session: SessionInfo, kind: 'attach' | 'exec', command: string[] = []): void {
    const key = `t${this.counter++}`;
    this.tabs.push({ key, kind, session, command });
    this.active = key;
  }

  close(key: string): void {
    const tab = this.tabs.find((t) => t.key === key);
    tab?.stream?.close();
    this.tabs = this.tabs.filter((t) => t.key !== key);
    if (this.active === key) this.active = this.tabs.at(-1)?.key ?? null;
  }

  title(tab: TerminalTab): string {
    return `${tab.session.name} · ${tab.session.node} · ${tab.kind === 'attach' ? 'attach' : (tab.command[0] ?? 'shell')}`;
  }
}
