import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryClient } from './registry-client';

// The Bearer token dance of registries with a token service (Docker Hub, GitLab, Harbor), against a
// small stand-in: the bed's real registry speaks Basic only.
let server: Server;
let address = '';
const scopes: string[] = [];

function handle(request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://x');
  if (url.pathname === '/token') {
    const basic = Buffer.from('team:secret').toString('base64');
    if (request.headers.authorization !== `Basic ${basic}`) {
      response.writeHead(401).end();
      return;
    }
    scopes.push(url.searchParams.get('scope') ?? '');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: `t-${url.searchParams.get('scope') ?? 'none'}` }));
    return;
  }
  const scope = url.pathname === '/v2/_catalog' ? 'registry:catalog:*' : url.pathname === '/v2/' ? '' : 'repository:tools:pull';
  if (request.headers.authorization !== `Bearer t-${scope || 'none'}`) {
    const challenge = `Bearer realm="http://${address}/token",service="stand-in"${scope ? `,scope="${scope}"` : ''}`;
    response.writeHead(401, { 'www-authenticate': challenge }).end();
    return;
  }
  const json = (value: unknown): void => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
  if (url.pathname === '/v2/') json({});
  else if (url.pathname === '/v2/_catalog') json({ repositories: ['tools'] });
  else if (url.pathname === '/v2/tools/tags/list') json({ name: 'tools', tags: ['v1'] });
  else if (url.pathname === '/v2/tools/manifests/v1') json({ config: { digest: 'sha256:c', size: 100 }, layers: [{ size: 1000 }, { size: 24 }] });
  else if (url.pathname === '/v2/tools/blobs/sha256:c')
    json({ created: '2026-11-01T00:00:00Z', config: { Labels: { 'org.opencontainers.image.description': 'Tools' } } });
  else response.writeHead(404).end();
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('RegistryClient with a token service', () => {
  it('gets a token per scope with the login, and lists with descriptions and sizes', async () => {
    const client = new RegistryClient(address, { username: 'team', password: 'secret' });
    await client.check();
    expect(await client.list()).toEqual([
      { name: 'tools', tag: 'v1', description: 'Tools', size: 1124, created: '2026-11-01T00:00:00Z', reference: 'beaker://tools:v1' },
    ]);
    expect(scopes).toContain('registry:catalog:*');
    expect(scopes).toContain('repository:tools:pull');
  });

  it('says the login was refused when the token service refuses it', async () => {
    const client = new RegistryClient(address, { username: 'team', password: 'wrong' });
    await expect(client.check()).rejects.toThrow("The library's token service refused the login (401): check the username and password.");
  });
});
