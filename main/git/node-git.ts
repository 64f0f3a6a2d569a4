import { posix } from 'node:path';
import type { NodeGitStatus } from '../../app/contract';
import { credentialHosts, readGitConfig, removeCredentials, setCredentials, setGitConfig, unsetGitConfig } from '../../app/domain/git-files';
import type { GitCredential } from '../../app/domain/git-files';
import type { SshConnection } from '../nodes/ssh-connection';
import { homeDir, readText, removeFile, writeText } from './sftp-files';

export interface GitIdentity {
  name: string;
  email: string;
}

async function files(connection: SshConnection): Promise<{ sftp: Awaited<ReturnType<SshConnection['sftp']>>; config: string; credentials: string }> {
  const sftp = await connection.sftp();
  const home = await homeDir(sftp);
  return { sftp, config: posix.join(home, '.gitconfig'), credentials: posix.join(home, '.git-credentials') };
}

/** What ~/.gitconfig and ~/.git-credentials on the node say: the name, email, helper and hosts (never a token). */
export async function gitStatus(connection: SshConnection): Promise<NodeGitStatus> {
  const { sftp, config, credentials } = await files(connection);
  const [configText, credentialsText] = await Promise.all([readText(sftp, config), readText(sftp, credentials)]);
  return {
    name: readGitConfig(configText, 'user', 'name'),
    email: readGitConfig(configText, 'user', 'email'),
    helper: readGitConfig(configText, 'credential', 'helper') === 'store',
    hosts: credentialHosts(credentialsText),
  };
}

/**
 * Sets Git up in the user's home on the node (which every session mounts): name and email,
 * `credential.helper store`, and the tokens in ~/.git-credentials with mode 0600. Existing settings
 * stay, and so does an existing ~/.gitconfig's mode; doing it again changes nothing more.
 */
export async function setUpGit(connection: SshConnection, identity: GitIdentity, logins: GitCredential[]): Promise<NodeGitStatus> {
  const { sftp, config, credentials } = await files(connection);
  const before = await readText(sftp, config);
  let text = before;
  if (identity.name) text = setGitConfig(text, 'user', 'name', identity.name);
  if (identity.email) text = setGitConfig(text, 'user', 'email', identity.email);
  if (logins.length > 0) text = setGitConfig(text, 'credential', 'helper', 'store');
  if (text !== before) await writeText(sftp, config, text, { newFile: 0o644 });
  if (logins.length > 0) {
    const stored = await readText(sftp, credentials);
    await writeText(sftp, credentials, setCredentials(stored, logins), 0o600);
  }
  return gitStatus(connection);
}

/** Takes the logins for these hosts back out of ~/.git-credentials (others stay), and the store helper once none are left. */
export async function removeGit(connection: SshConnection, hosts: string[]): Promise<NodeGitStatus> {
  const { sftp, config, credentials } = await files(connection);
  const stored = await readText(sftp, credentials);
  const left = removeCredentials(stored, hosts);
  if (left === '') await removeFile(sftp, credentials);
  else if (left !== stored) await writeText(sftp, credentials, left, 0o600);
  if (left === '') {
    const before = await readText(sftp, config);
    const after = unsetGitConfig(before, 'credential', 'helper', 'store');
    if (after !== before) await writeText(sftp, config, after, { newFile: 0o644 });
  }
  return gitStatus(connection);
}
