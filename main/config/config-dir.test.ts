import { describe, expect, it } from 'vitest';
import { configDir } from './config-dir';

describe('configDir', () => {
  it('prefers BERTH_HOME', () => {
    expect(configDir({ BERTH_HOME: '/srv/b' }, 'linux', '/home/u')).toBe('/srv/b');
  });
  it('follows XDG on Linux', () => {
    expect(configDir({}, 'linux', '/home/u')).toBe('/home/u/.config/berth');
    expect(configDir({ XDG_CONFIG_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/berth');
  });
  it('uses Application Support on macOS and AppData on Windows', () => {
    expect(configDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/Berth');
    expect(configDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32', 'C:\\Users\\u')).toMatch(/Roaming[\\/]Berth$/);
  });
});
