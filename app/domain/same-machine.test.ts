import { describe, expect, it } from 'vitest';
import { Bookmark } from '../contract/bookmarks';
import { sameAddressAs } from './same-machine';

const bookmark = (name: string, host: string, port = 22, jump?: string): Bookmark =>
  Bookmark.parse({ name, host, port, user: 'alice', auth: { kind: 'agent' }, ...(jump ? { jump } : {}) });

describe('the same machine under two names', () => {
  it('knows an imported host by its address, whatever its name or user', () => {
    const existing = [bookmark('a', 'gpu-1.example.org', 2222), bookmark('b', '127.0.0.1', 4000)];
    expect(sameAddressAs(bookmark('gpu-a', 'GPU-1.example.org.', 2222), existing)).toBe('a');
    expect(sameAddressAs(bookmark('local', 'localhost', 4000), existing)).toBe('b');
    expect(sameAddressAs(bookmark('other-port', 'gpu-1.example.org', 22), existing)).toBeUndefined();
    // Behind a jump host, a name means something else.
    expect(sameAddressAs(bookmark('inside', 'gpu-1.example.org', 2222, 'login'), existing)).toBeUndefined();
    expect(sameAddressAs(bookmark('a', 'gpu-1.example.org', 2222), existing)).toBeUndefined();
  });
});
