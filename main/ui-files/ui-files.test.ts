import { describe, expect, it } from 'vitest';
import { contentType, resolveUiFile } from './ui-files';

describe('resolveUiFile', () => {
  it('maps / to index.html and keeps paths inside the root', () => {
    expect(resolveUiFile('/srv/ui', '/')).toBe('/srv/ui/index.html');
    expect(resolveUiFile('/srv/ui/', '/assets/app.js')).toBe('/srv/ui/assets/app.js');
  });

  it.each(['/../etc/passwd', '/%2e%2e/etc/passwd', '/assets/../../x', '/%E0%A4%A', '/a%00b'])('refuses %s', (path) => {
    expect(resolveUiFile('/srv/ui', path)).toBeNull();
  });

  it('refuses a sibling folder that shares the root as a prefix', () => {
    expect(resolveUiFile('/srv/ui', '/../ui-secrets/key')).toBeNull();
  });
});

describe('contentType', () => {
  it('knows the built files and falls back to bytes', () => {
    expect(contentType('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentType('/x/a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentType('/x/a.bin')).toBe('application/octet-stream');
  });
});
