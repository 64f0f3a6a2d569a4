import { z } from 'zod';

export const NodeState = z.enum(['connected', 'unreachable']);
export type NodeState = z.infer<typeof NodeState>;

/** What a node's Docker daemon says of the machine it runs on. */
export const DockerInventory = z.object({
  hostname: z.string(),
  os: z.string(),
  architecture: z.string(),
  cpus: z.number().int().nonnegative(),
  memoryBytes: z.number().nonnegative(),
  dockerVersion: z.string(),
});
export type DockerInventory = z.infer<typeof DockerInventory>;

export const NodeSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['local']),
  /** Where Berth reaches the node's Docker daemon, as a person would write it. */
  address: z.string(),
  cluster: z.string().optional(),
  state: NodeState,
  inventory: DockerInventory.optional(),
});
export type NodeSummary = z.infer<typeof NodeSummary>;

export const NodeList = z.object({
  nodes: z.array(NodeSummary),
  /** Why "This computer" is absent, when it is: shown to a first-time user instead of an empty page. */
  localDocker: z.object({ socket: z.string(), reachable: z.boolean(), problem: z.string().optional() }),
});
export type NodeList = z.infer<typeof NodeList>;
