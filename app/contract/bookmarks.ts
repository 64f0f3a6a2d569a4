import { z } from 'zod';
import { parseImageSource } from '../domain/image-ref';

/** How Berth proves who the user is. Secrets (passwords, passphrases) are never part of a bookmark. */
export const Auth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent') }),
  z.object({ kind: z.literal('key'), keyFile: z.string().min(1, 'give the path of the private key file') }),
  z.object({ kind: z.literal('password') }),
  z.object({ kind: z.literal('keyboard-interactive') }),
]);
export type Auth = z.infer<typeof Auth>;

export const BookmarkName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a node name is 1 to 63 letters, digits, dots, dashes or underscores, starting with a letter or digit');

const AbsolutePath = z.string().regex(/^\/[^\0]*$/, 'use an absolute path on the node, starting with /');

export const Bookmark = z
  .object({
    name: BookmarkName,
    host: z
      .string()
      .min(1, 'give the host name or address')
      .regex(/^[^\s@/]+$/, 'a host has no spaces, @ or /'),
    port: z
      .number('a port is a number from 1 to 65535')
      .int('a port is a whole number from 1 to 65535')
      .min(1, 'a port is a number from 1 to 65535')
      .max(65535, 'a port is a number from 1 to 65535')
      .default(22),
    user: z
      .string()
      .min(1, 'give the user name on the node')
      .regex(/^[a-z_][a-z0-9_.-]*\$?$/i, 'not a valid user name'),
    auth: Auth,
    /** Another bookmark to go through, like ProxyJump; that one may have its own. */
    jump: BookmarkName.optional(),
    dockerSocket: AbsolutePath.default('/var/run/docker.sock'),
    /** A node-local, world-writable folder for the GPU lock and queue, tried before /run/lock/berth, /dev/shm/berth, /var/tmp/berth. */
    lockDir: AbsolutePath.optional(),
    cluster: z.string().max(80).optional(),
    /** Host folders that sessions on this node may mount (the seed's "a few other directories"). */
    allowedHostPaths: z.array(AbsolutePath).default([]),
    defaultImage: z
      .string()
      .superRefine((value, ctx) => {
        const parsed = parseImageSource(value);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem });
      })
      .optional(),
  })
  .strict();
export type Bookmark = z.output<typeof Bookmark>;
export type BookmarkInput = z.input<typeof Bookmark>;
