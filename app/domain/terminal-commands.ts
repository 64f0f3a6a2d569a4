/** Terminal commands, with the keys of VS Code's and Tabby's terminals; the app menu and the UI's key handler share them. */
export const TERMINAL_COMMANDS = [
  { id: 'terminal.new', label: 'New Terminal', keys: 'CmdOrCtrl+Shift+`' },
  { id: 'terminal.next', label: 'Next Tab', keys: 'CmdOrCtrl+PageDown' },
  { id: 'terminal.previous', label: 'Previous Tab', keys: 'CmdOrCtrl+PageUp' },
  // Browsers keep Ctrl+Shift+W for closing their own window, so browser mode has its own key.
  { id: 'terminal.close', label: 'Close Tab', keys: 'CmdOrCtrl+Shift+W', browserKeys: 'Alt+Shift+W' },
  { id: 'terminal.find', label: 'Find…', keys: 'CmdOrCtrl+Shift+F' },
  { id: 'terminal.rename', label: 'Rename Tab…', keys: 'F2' },
] as const;

export type TerminalCommandId = (typeof TERMINAL_COMMANDS)[number]['id'];

export interface KeyPress {
  key: string;
  code: string;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

/** The KeyboardEvent.code an accelerator's last part names: layout-independent, so Shift+` is still Backquote. */
function codeOf(key: string): string {
  if (/^[A-Z]$/.test(key)) return `Key${key}`;
  if (/^\d$/.test(key)) return `Digit${key}`;
  return key === '`' ? 'Backquote' : key;
}

/** Whether a key press is an Electron-style accelerator ("CmdOrCtrl+Shift+F"); CmdOrCtrl is Cmd on macOS. */
export function matchesKeys(press: KeyPress, accelerator: string, mac: boolean): boolean {
  const parts = accelerator.split('+');
  const key = parts.pop() ?? '';
  const wants = new Set(parts);
  const cmdOrCtrl = wants.has('CmdOrCtrl');
  const ctrl = wants.has('Ctrl') || (cmdOrCtrl && !mac);
  const meta = wants.has('Cmd') || (cmdOrCtrl && mac);
  return (
    press.code === codeOf(key) &&
    press.ctrlKey === ctrl &&
    press.metaKey === meta &&
    press.shiftKey === wants.has('Shift') &&
    press.altKey === wants.has('Alt')
  );
}

/** The command a key press runs, in the desktop app or in a browser. */
export function commandFor(press: KeyPress, shell: 'electron' | 'browser', mac: boolean): TerminalCommandId | null {
  for (const command of TERMINAL_COMMANDS) {
    const keys = shell === 'browser' && 'browserKeys' in command ? command.browserKeys : command.keys;
    if (matchesKeys(press, keys, mac)) return command.id;
  }
  return null;
}

/** An accelerator as people read it: "Ctrl+Shift+F" (or "⌘⇧F" style left to macOS menus). */
export function keyLabel(accelerator: string, mac: boolean): string {
  return accelerator.replace('CmdOrCtrl', mac ? 'Cmd' : 'Ctrl');
}
