import { describe, expect, it } from 'vitest';
import { commandFor, keyLabel, matchesKeys } from './terminal-commands';
import type { KeyPress } from './terminal-commands';

const press = (code: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  key: '',
  code,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('terminal commands', () => {
  it('matches accelerators by key code, with exactly the modifiers named', () => {
    expect(matchesKeys(press('Backquote', { ctrlKey: true, shiftKey: true }), 'CmdOrCtrl+Shift+`', false)).toBe(true);
    expect(matchesKeys(press('Backquote', { ctrlKey: true }), 'CmdOrCtrl+Shift+`', false)).toBe(false);
    expect(matchesKeys(press('KeyF', { ctrlKey: true, shiftKey: true, altKey: true }), 'CmdOrCtrl+Shift+F', false)).toBe(false);
    expect(matchesKeys(press('KeyF', { metaKey: true, shiftKey: true }), 'CmdOrCtrl+Shift+F', true)).toBe(true);
    expect(matchesKeys(press('F2'), 'F2', false)).toBe(true);
  });

  it('gives browser mode its own key where the browser keeps the usual one', () => {
    expect(commandFor(press('KeyW', { ctrlKey: true, shiftKey: true }), 'electron', false)).toBe('terminal.close');
    expect(commandFor(press('KeyW', { ctrlKey: true, shiftKey: true }), 'browser', false)).toBeNull();
    expect(commandFor(press('KeyW', { altKey: true, shiftKey: true }), 'browser', false)).toBe('terminal.close');
    expect(commandFor(press('PageDown', { ctrlKey: true }), 'browser', false)).toBe('terminal.next');
    expect(commandFor(press('KeyC', { ctrlKey: true }), 'browser', false)).toBeNull();
  });

  it('labels keys for the platform', () => {
    expect(keyLabel('CmdOrCtrl+Shift+F', false)).toBe('Ctrl+Shift+F');
    expect(keyLabel('CmdOrCtrl+Shift+F', true)).toBe('Cmd+Shift+F');
  });
});
