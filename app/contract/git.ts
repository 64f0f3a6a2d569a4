import { z } from 'zod';

/** A Git host name (github.com, gitlab.example.org:8443), as it appears in an https URL. */
export const GitHost = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/, 'give a host name such as github.com');

const OneLine = (what: string): z.ZodString =>
  z
    .string()
    .max(500)
    .regex(/^[^\n\r\0]*$/, `the ${what} must be on one line`);

export const GitLogin = z.object({
  host: GitHost,
  /** The user name in the login; hosts take any for a token, so it defaults to the token's kind. */
  username: OneLine('username').default('x-access-token'),
});
export type GitLogin = z.output<typeof GitLogin>;

/** Who the user is to Git, and the hosts they keep a token for (the tokens are in the keychain). */
export const GitSettings = z
  .object({
    name: OneLine('name').default(''),
    email: OneLine('email').default(''),
    logins: z.array(GitLogin).default([]),
  })
  .strict();
export type GitSettings = z.output<typeof GitSettings>;

/** What a node's ~/.gitconfig and ~/.git-credentials hold, without any token. */
export const NodeGitStatus = z.object({
  name: z.string().nullable(),
  email: z.string().nullable(),
  /** credential.helper is `store`. */
  helper: z.boolean(),
  hosts: z.array(z.string()),
});
export type NodeGitStatus = z.output<typeof NodeGitStatus>;
