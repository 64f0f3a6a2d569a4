import { z } from 'zod';
import { BookmarkName } from './bookmarks';

/** An image in a node's cache, as `docker images` shows it. */
export const NodeImage = z.object({
  id: z.string(),
  /** repo:tag names; empty for an untagged image. */
  tags: z.array(z.string()),
  size: z.number().int().nonnegative(),
  /** ISO time the image was built. */
  created: z.string(),
  /** Running sessions made from it: it cannot be removed while they run. */
  usedBy: z.array(z.string()),
});
export type NodeImage = z.output<typeof NodeImage>;

/** A name in the library: lowercase path components as Docker repositories have. */
export const LibraryName = z
  .string()
  .regex(
    /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/,
    'use lowercase letters, digits and . _ - (and / between parts)',
  )
  .max(200);
export const ImageTag = z.string().regex(/^[\w][\w.-]{0,127}$/, 'a tag is letters, digits, _ . - (at most 128, not starting with . or -)');

export const LibraryImage = z.object({
  name: z.string(),
  tag: z.string(),
  description: z.string(),
  /** Compressed size of its layers, as pushed. */
  size: z.number().int().nonnegative(),
  created: z.string(),
  /** What a session names to start from it. */
  reference: z.string(),
});
export type LibraryImage = z.output<typeof LibraryImage>;

/** The team's image library: a Docker registry. The password is in the keychain, never here. */
export const LibrarySettings = z
  .object({
    /** host[:port] of the registry, optionally with http:// or https://; empty when no library is set. */
    address: z.string().max(300).default(''),
    username: z.string().max(200).default(''),
  })
  .strict();
export type LibrarySettings = z.output<typeof LibrarySettings>;

export const JobKind = z.enum(['build', 'pull', 'push', 'copy']);
export const JobState = z.enum(['running', 'done', 'failed', 'cancelled']);

export const LayerProgress = z.object({ id: z.string(), status: z.string(), current: z.number(), total: z.number() });
export type LayerProgress = z.output<typeof LayerProgress>;

/**
 * Work on images that takes a while: a build, pull, push or copy. The core keeps each until it is
 * dismissed, so every window (and a reloaded one) shows the same panels.
 */
export const ImageJob = z.object({
  id: z.string(),
  kind: JobKind,
  node: z.string(),
  /** The copy's receiving node. */
  to: z.string().optional(),
  /** What it is about: the tag built, the reference pulled or pushed. */
  title: z.string(),
  state: JobState,
  /** What it is doing now, in a few words. */
  phase: z.string(),
  /** Build context sent so far, or image bytes copied. */
  transfer: z.object({ done: z.number(), total: z.number() }).optional(),
  /** A build's step in progress, 1-based. */
  step: z.object({ index: z.number().int(), count: z.number().int(), text: z.string() }).optional(),
  /** Pull and push progress per layer, as `docker pull` shows it. */
  layers: z.array(LayerProgress),
  /** Why it failed, with the Dockerfile line when a build step failed. */
  error: z.string().optional(),
  /** The image it produced (builds) or moved. */
  image: z.string().optional(),
  startedAt: z.string(),
  endedAt: z.string().optional(),
});
export type ImageJob = z.output<typeof ImageJob>;

/** New output of a job, in order. */
export const JobOutput = z.object({ job: z.string(), text: z.string() });
export type JobOutput = z.output<typeof JobOutput>;

export const BuildArg = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/s, 'a build argument is NAME=VALUE');

/** A file of a build context that the UI sends (browser mode has no paths): its bytes follow by images.upload. */
export const UploadFile = z.object({
  path: z.string().min(1).max(4096),
  size: z.number().int().nonnegative(),
  executable: z.boolean().default(false),
});

export const BuildSource = z.discriminatedUnion('kind', [
  /** A folder (or a lone Dockerfile) on this computer. */
  z.object({ kind: z.literal('path'), path: z.string().min(1) }).strict(),
  /** Files the UI sends, already filtered by the context's .dockerignore (images.context does that). */
  z.object({ kind: z.literal('upload'), files: z.array(UploadFile).max(200_000) }).strict(),
]);

export const BuildSpec = z
  .object({
    node: BookmarkName,
    source: BuildSource,
    tag: z.string().min(1, 'give the image a tag'),
    /** The Dockerfile's path inside the context; "Dockerfile" by default. */
    dockerfile: z.string().min(1).default('Dockerfile'),
    target: z.string().default(''),
    buildArgs: z.array(BuildArg).default([]),
    /** Chosen by the caller, so it can send the upload and follow the job before the call returns. */
    job: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
  })
  .strict();
export type BuildSpec = z.input<typeof BuildSpec>;
