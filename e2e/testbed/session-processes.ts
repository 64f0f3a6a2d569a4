import type { TestNode } from './test-node';

/** The commands of the processes in a session's container (by session ID or name), read from the node's own Docker. */
export async function sessionProcesses(node: TestNode, session: { id: string } | { name: string }): Promise<string[]> {
  const docker = node.docker();
  const label = 'id' in session ? `berth.session=${session.id}` : `berth.name=${session.name}`;
  const containers: { Id: string }[] = await docker.listContainers({ filters: { label: [label] } });
  const id = containers[0]?.Id;
  if (!id) throw new Error(`no running container for ${label} on ${node.name}`);
  const top = (await docker.getContainer(id).top()) as { Titles: string[]; Processes: string[][] };
  const command = top.Titles.indexOf('CMD');
  // Docker's init (sessions run with Init) is not one of the session's own processes.
  return top.Processes.map((row) => row[command] ?? '').filter((cmd) => !cmd.startsWith('/sbin/docker-init'));
}
