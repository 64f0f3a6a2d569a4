import type { BerthClient, StreamHandle } from '../../app/client/berth-client';
import { TerminalSettings } from '../../app/contract';
import type { RememberedTab, SessionInfo, TerminalExit } from '../../app/contract';
import type { TerminalCommandId } from '../../app/domain/terminal-commands';
import { describeError } from '../api/describe-error';

export interface TerminalTab {
  key: string;
  kind: 'attach' | 'exec';
  session: SessionInfo;
  command: string[];
  /** The name the user gave the tab; the session, node and kind otherwise. */
  title?: string;
  /** The title the program in it set (OSC 0/2), as terminals show in their title bar. */
  programTitle?: string;
  /** Set once the back end has opened it. */
  terminal?: string;
  stream?: StreamHandle;
  /** While the node's connection is down: what the back end says about getting it back. */
  reconnecting?: string;
  /** Why it is not live: its process ended (with the code), the connection was lost, or it could not open. */
  ended?: TerminalExit | { problem: string };
  /** Bumped to open the tab's terminal again in the same pane, scrollback kept. */
  generation: number;
}

const SAVE_DELAY_MS = 300;

/** The open terminal tabs, across sessions and nodes. The xterm instances live in the tab components. */
export class TerminalsState {
  tabs = $state<TerminalTab[]>([]);
  active = $state<string | null>(null);
  /** The tab whose find bar is open, and the tab being renamed. */
  finding = $state<string | null>(null);
  renaming = $state<string | null>(null);
  settings = $state<TerminalSettings>(TerminalSettings.parse({}));
  /** Tabs open when Berth last closed, offered until the user reopens or dismisses them. */
  remembered = $state<RememberedTab[]>([]);
  notice = $state<string | null>(null);
  private counter = 0;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly client: BerthClient) {
    client.on('terminals.status', (status) => {
      const tab = this.tabs.find((t) => t.terminal === status.terminal);
      if (tab) tab.reconnecting = status.state === 'reconnecting' ? status.message : undefined;
    });
    client.on('settings.changed', (settings) => (this.settings = settings.terminal));
  }

  async load(): Promise<void> {
    const [settings, remembered] = await Promise.all([this.client.call('settings.get', {}), this.client.call('terminals.remembered', {})]);
    this.settings = settings.terminal;
    // Only tabs whose sessions still run are offered; the ones that ended meanwhile are said once.
    const checked = await Promise.all(
      remembered.tabs.map(async (tab) => {
        const session = await this.client.call('sessions.describe', { id: tab.session }).catch(() => null);
        return { tab, running: session?.status === 'running' };
      }),
    );
    this.remembered = checked.filter((entry) => entry.running).map((entry) => entry.tab);
    const ended = checked.filter((entry) => !entry.running).map(({ tab }) => `${tab.sessionName} on ${tab.node}`);
    if (ended.length > 0) this.notice = `Not offered again, as their sessions have ended: ${ended.join(', ')}.`;
  }

  open(session: SessionInfo, kind: 'attach' | 'exec', command: string[] = [], title?: string): void {
    const key = `t${this.counter++}`;
    this.tabs.push({ key, kind, session, command, generation: 0, ...(title ? { title } : {}) });
    this.active = key;
    this.save();
  }

  /** A new shell in the session of the tab in front, as VS Code's "+" does. */
  newShell(): void {
    const current = this.current();
    if (current) this.open(current.session, 'exec');
  }

  /** Opens a tab's terminal again in place (a fork tab whose process went with the connection). */
  restart(key: string): void {
    const tab = this.tabs.find((t) => t.key === key);
    if (!tab) return;
    tab.stream?.close();
    tab.ended = undefined;
    tab.terminal = undefined;
    tab.generation++;
  }

  close(key: string): void {
    const index = this.tabs.findIndex((t) => t.key === key);
    if (index < 0) return;
    this.tabs[index]?.stream?.close();
    this.tabs = this.tabs.filter((t) => t.key !== key);
    if (this.active === key) this.active = (this.tabs[index] ?? this.tabs.at(-1))?.key ?? null;
    if (this.finding === key) this.finding = null;
    this.save();
  }

  /** Moves a tab to where another one is (drag and drop). */
  move(key: string, toKey: string): void {
    const from = this.tabs.findIndex((t) => t.key === key);
    const to = this.tabs.findIndex((t) => t.key === toKey);
    if (from < 0 || to < 0 || from === to) return;
    const next = [...this.tabs];
    const [tab] = next.splice(from, 1);
    if (tab) next.splice(to, 0, tab);
    this.tabs = next;
    this.save();
  }

  rename(key: string, title: string): void {
    const tab = this.tabs.find((t) => t.key === key);
    if (!tab) return;
    const trimmed = title.trim().slice(0, 200);
    tab.title = trimmed || undefined;
    this.renaming = null;
    this.save();
  }

  step(by: 1 | -1): void {
    if (this.tabs.length === 0) return;
    const index = this.tabs.findIndex((t) => t.key === this.active);
    const next = this.tabs[(index + by + this.tabs.length) % this.tabs.length];
    if (next) this.active = next.key;
  }

  run(command: TerminalCommandId): void {
    const current = this.current();
    if (command === 'terminal.new') this.newShell();
    else if (command === 'terminal.next') this.step(1);
    else if (command === 'terminal.previous') this.step(-1);
    else if (current && command === 'terminal.close') this.close(current.key);
    else if (current && command === 'terminal.find') this.finding = current.key;
    else if (current && command === 'terminal.rename') this.renaming = current.key;
  }

  title(tab: TerminalTab): string {
    return tab.title ?? `${tab.session.name} · ${tab.session.node} · ${tab.kind === 'attach' ? 'attach' : (tab.command[0] ?? 'shell')}`;
  }

  /** Opens the remembered tabs whose sessions still run, and says which have ended. */
  async reopenRemembered(): Promise<void> {
    const wanted = this.remembered;
    this.remembered = [];
    const gone: string[] = [];
    for (const remembered of wanted) {
      const session = await this.client.call('sessions.describe', { id: remembered.session }).catch(() => null);
      if (session?.status === 'running') this.open(session, remembered.kind, remembered.command, remembered.title);
      else gone.push(`${remembered.sessionName} on ${remembered.node}`);
    }
    this.notice = gone.length > 0 ? `Not reopened, as their sessions have ended: ${gone.join(', ')}.` : null;
    this.save();
  }

  dismissRemembered(): void {
    this.remembered = [];
    this.save();
  }

  private current(): TerminalTab | undefined {
    return this.tabs.find((t) => t.key === this.active);
  }

  /** Remembers the open tabs (and any still on offer) for the next start, a moment after the last change. */
  private save(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      const tabs: RememberedTab[] = [
        ...this.tabs.map((tab) => ({
          session: tab.session.id,
          sessionName: tab.session.name,
          node: tab.session.node,
          kind: tab.kind,
          command: tab.command,
          ...(tab.title ? { title: tab.title } : {}),
        })),
        ...this.remembered,
      ];
      this.client
        .call('terminals.remember', { tabs })
        .catch((error: unknown) => (this.notice = `Could not remember the open tabs: ${describeError(error)}`));
    }, SAVE_DELAY_MS);
  }
}
