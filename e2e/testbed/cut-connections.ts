import { execFileSync, spawnSync } from 'node:child_process';

interface Socket {
  local: number;
  peer: number;
  pids: number[];
}

function establishedSockets(): Socket[] {
  const out = execFileSync('ss', ['-tnpH', 'state', 'established'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => {
      const ports = [...line.matchAll(/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
      const pids = [...line.matchAll(/pid=(\d+)/g)].map((match) => Number(match[1]));
      return { local: ports[0] ?? 0, peer: ports[1] ?? 0, pids };
    })
    .filter((socket) => socket.local > 0 && socket.peer > 0);
}

/**
 * Cuts the SSH connections that process `clientPid` holds to the sshd on `port`, as a network drop
 * would: the per-connection sshd processes serving them (and what they run) are killed.
 */
export function cutConnections(port: number, clientPid: number): number {
  const sockets = establishedSockets();
  const clientPorts = new Set(sockets.filter((s) => s.peer === port && s.pids.includes(clientPid)).map((s) => s.local));
  const sshds = [...new Set(sockets.filter((s) => s.local === port && clientPorts.has(s.peer)).flatMap((s) => s.pids))];
  if (sshds.length === 0) return 0;
  spawnSync('pkill', ['-KILL', '-P', sshds.join(',')]);
  spawnSync('kill', ['-KILL', ...sshds.map(String)]);
  return clientPorts.size;
}
