import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { passwordOf, RC_GREETINGS, TEST_USERS } from './users';
import type { TestUserName } from './users';

/** Bob's key has a passphrase, so both kinds of key file are tested. */
export const KEY_PASSPHRASES: Partial<Record<TestUserName, string>> = { bob: 'bob-key-passphrase' };

export function keygen(file: string, passphrase: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', comment, '-f', file]);
}

function passwordHash(password: string): string {
  return execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: password, encoding: 'utf8' }).trim();
}

/**
 * The node's own /etc/passwd, /etc/group and /etc/shadow (the host's plus the test users, each with
 * their login shell) and /home, bind-mounted inside the node's mount namespace, so each node has its
 * own users and homes.
 */
export function writeUsers(dir: string): void {
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true });
  const passwd = readFileSync('/etc/passwd', 'utf8').trimEnd().split('\n');
  const shadow = readFileSync('/etc/shadow', 'utf8').trimEnd().split('\n');
  const group = readFileSync('/etc/group', 'utf8').trimEnd().split('\n');
  const dockerMembers = TEST_USERS.filter((u) => u.docker).map((u) => u.name);
  const withDocker = group.map((line) => (line.startsWith('docker:') ? `${line}${line.endsWith(':') ? '' : ','}${dockerMembers.join(',')}` : line));

  for (const user of TEST_USERS) {
    passwd.push(`${user.name}:x:${user.uid}:${user.uid}:${user.name}:/home/${user.name}:${user.shell}`);
    shadow.push(`${user.name}:${passwordHash(passwordOf(user.name))}:19000:0:99999:7:::`);
    withDocker.push(`${user.name}:x:${user.uid}:`);

    const home = join(dir, 'home', user.name);
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const key = join(dir, 'keys', user.name);
    mkdirSync(join(dir, 'keys'), { recursive: true });
    keygen(key, KEY_PASSPHRASES[user.name] ?? '', `${user.name}@berth-test`);
    writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(`${key}.pub`));
    chmodSync(join(home, '.ssh'), 0o700);
    chmodSync(join(home, '.ssh', 'authorized_keys'), 0o600);
    for (const path of [home, join(home, '.ssh'), join(home, '.ssh', 'authorized_keys')]) chownSync(path, user.uid, user.uid);
    writeRcFiles(home, user.name, user.uid);
  }
  if (!withDocker.some((line) => line.startsWith('docker:')))
    throw new Error('The host has no docker group: install docker.io (scripts/install-test-deps.sh).');
  writeFileSync(join(etc, 'passwd'), passwd.join('\n') + '\n');
  writeFileSync(join(etc, 'group'), withDocker.join('\n') + '\n');
  writeFileSync(join(etc, 'shadow'), shadow.join('\n') + '\n', { mode: 0o640 });
}

/** The user's greeting files, owned by the user, with any folders they need (~/.config/fish). */
function writeRcFiles(home: string, user: TestUserName, uid: number): void {
  for (const greeting of RC_GREETINGS[user] ?? []) {
    const file = join(home, greeting.file);
    for (let folder = dirname(file); folder.length > home.length; folder = dirname(folder)) {
      mkdirSync(folder, { recursive: true });
      chownSync(folder, uid, uid);
    }
    writeFileSync(file, greeting.content, { mode: 0o644 });
    chownSync(file, uid, uid);
  }
}
