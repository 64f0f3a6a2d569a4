/** What the image action dialog asks for: a library name for a push, or the node to copy to. */
export type ImageAction = { kind: 'push'; name: string; tag: string; description: string } | { kind: 'copy'; to: string };
