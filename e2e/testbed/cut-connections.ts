import { execFileSync, spawnSync } from 'node:child_process';

interface Socket {
  local: number;
  peer: number;
  pids: number[];
}

export function establishedSockets(): Socket[] {
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
  const clientPorts = clientPortsOf(sockets, port, clientPid);
  const sshds = [...new Set(sockets.filter((s) => s.local === port && clientPorts.has(s.peer)).flatMap((s) => s.pids))];
  if (sshds.length === 0) return 0;
  spawnSync('pkill', ['-KILL', '-P', sshds.join(',')]);
  spawnSync('kill', ['-KILL', ...sshds.map(String)]);
  return clientPorts.size;
}

/** The local ports of `clientPid`'s connections to the sshd on `port`. */
export function clientPortsOf(sockets: Socket[], port: number, clientPid: number): Set<number> {
  return new Set(sockets.filter((s) => s.peer === port && s.pids.includes(clientPid)).map((s) => s.local));
}

/**
 * Bytes sshd on `port` has received from `clientPid` over all its connections, counted by the
 * kernel (ss's bytes_received): SSH framing and encryption included, whatever the client says.
 */
export function bytesReceivedFrom(port: number, clientPid: number): number {
  const clientPorts = clientPortsOf(establishedSockets(), port, clientPid);
  const out = execFileSync('ss', ['-tniH', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
  let total = 0;
  let counting = false;
  for (const line of out.split('\n')) {
    const peer = /127\.0\.0\.1:\d+\s+127\.0\.0\.1:(\d+)/.exec(line);
    if (peer) counting = clientPorts.has(Number(peer[1]));
    const received = /bytes_received:(\d+)/.exec(line);
    if (received && counting) total += Number(received[1]);
  }
  return total;
}
