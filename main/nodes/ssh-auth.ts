import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod } from 'ssh2';
import type { Bookmark } from '../../app/contract';
import { ConnectError } from './connect-error';
import type { Secrets } from './secrets';

/** The one authentication method a bookmark names, ready for ssh2; secrets are fetched here, only when needed. */
export async function authFor(bookmark: Bookmark, secrets: Secrets): Promise<AnyAuthMethod> {
  const { auth, user: username, name } = bookmark;
  switch (auth.kind) {
    case 'agent': {
      const agent = process.env.SSH_AUTH_SOCK;
      if (!agent) {
        throw new ConnectError({
          state: 'auth-failed',
          message: `${name} uses ssh-agent, but no agent is running here (SSH_AUTH_SOCK is not set). Start ssh-agent and ssh-add your key, or give the bookmark a key file.`,
        });
      }
      return { type: 'agent', username, agent };
    }
    case 'key': {
      const data = await readFile(auth.keyFile).catch((error: NodeJS.ErrnoException) => {
        const why = error.code === 'ENOENT' ? 'does not exist' : error.code === 'EACCES' ? 'cannot be read (permission denied)' : error.message;
        throw new ConnectError({ state: 'auth-failed', message: `The key file ${auth.keyFile} for ${name} ${why}. Fix the path in the bookmark.` });
      });
      let parsed = ssh2.utils.parseKey(data);
      let passphrase: string | undefined;
      if (parsed instanceof Error && /passphrase/i.test(parsed.message)) {
        passphrase = (await secrets.get(name, 'passphrase')) ?? undefined;
        if (passphrase === undefined) {
          throw new ConnectError({
            state: 'needs-secret',
            secret: 'passphrase',
            message: `The key ${auth.keyFile} is protected: enter its passphrase to connect to ${name}.`,
          });
        }
        parsed = ssh2.utils.parseKey(data, passphrase);
        if (parsed instanceof Error) {
          await secrets.forget(name, 'passphrase');
          throw new ConnectError({
            state: 'needs-secret',
            secret: 'passphrase',
            message: `That passphrase does not open ${auth.keyFile}. Enter it again.`,
          });
        }
      }
      if (parsed instanceof Error) {
        throw new ConnectError({ state: 'auth-failed', message: `${auth.keyFile} is not a private key Berth can read (${parsed.message}).` });
      }
      return passphrase === undefined ? { type: 'publickey', username, key: data } : { type: 'publickey', username, key: data, passphrase };
    }
    case 'password':
    case 'keyboard-interactive': {
      const password = await secrets.get(name, 'password');
      if (password === null)
        throw new ConnectError({ state: 'needs-secret', secret: 'password', message: `Enter the password of ${username} on ${name}.` });
      if (auth.kind === 'password') return { type: 'password', username, password };
      return {
        type: 'keyboard-interactive',
        username,
        // Servers ask for the password through keyboard-interactive (PAM); every prompt gets it.
        prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password)),
      };
    }
  }
}

/** What to say when the server refused the credentials. */
export function authRefused(bookmark: Bookmark): string {
  const who = `${bookmark.user}@${bookmark.host}`;
  switch (bookmark.auth.kind) {
    case 'agent':
      return `${who} accepted none of ssh-agent's keys. Add the right key with ssh-add, or check ~/.ssh/authorized_keys on the node.`;
    case 'key':
      return `${who} refused the key ${bookmark.auth.keyFile}. Check that its public key is in ~/.ssh/authorized_keys on the node.`;
    default:
      return `The password for ${who} was not accepted. Enter it again.`;
  }
}
