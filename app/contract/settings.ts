import { z } from 'zod';
import { GitSettings } from './git';
import { LibrarySettings } from './images';

export const TerminalSettings = z
  .object({
    /** Lines each terminal keeps above the screen. */
    scrollback: z
      .number('give a number of lines')
      .int('give a whole number of lines')
      .min(0)
      .max(1_000_000, 'at most 1,000,000 lines')
      .default(10_000),
    fontSize: z.number().int().min(8, 'at least 8').max(32, 'at most 32').default(13),
    /** Selecting text with the mouse copies it, as in most Linux terminals. */
    copyOnSelect: z.boolean().default(true),
    /** As VS Code's setting: WebGL draws the terminal in view when a GPU draws WebGL ("auto") or always ("on"); "off" never. */
    gpuAcceleration: z.enum(['auto', 'on', 'off']).default('auto'),
  })
  .strict();
export type TerminalSettings = z.output<typeof TerminalSettings>;

export const SessionSettings = z
  .object({
    /** A session whose GPUs have all read 0% for longer than this is marked idle (the seed's users asked to see who holds idle GPUs). */
    idleAfterSeconds: z
      .number()
      .int('give whole seconds')
      .min(1, 'at least 1 second')
      .max(30 * 86400, 'at most 30 days')
      .default(7200),
  })
  .strict();

/** Desktop notifications, each of which can be switched off. */
export const NotificationSettings = z
  .object({
    /** A session that waited in a node's queue has started. */
    sessionStarted: z.boolean().default(true),
    /** A session of mine ended by itself (its main process exited), not stopped by Berth. */
    sessionEnded: z.boolean().default(true),
    /** A build finished or failed. */
    buildFinished: z.boolean().default(true),
  })
  .strict();

/** The user's preferences, kept on this computer. Secrets never live here: they go to the keychain. */
export const Settings = z
  .object({
    terminal: TerminalSettings.prefault({}),
    library: LibrarySettings.prefault({}),
    git: GitSettings.prefault({}),
    sessions: SessionSettings.prefault({}),
    notifications: NotificationSettings.prefault({}),
  })
  .strict();
export type Settings = z.output<typeof Settings>;

/** A change to some settings; what is left out stays as it is. The library is set by library.set, which checks the login first. */
export const SettingsChange = z
  .object({
    terminal: TerminalSettings.partial().optional(),
    git: GitSettings.pick({ name: true, email: true }).partial().optional(),
    sessions: SessionSettings.partial().optional(),
    notifications: NotificationSettings.partial().optional(),
  })
  .strict();
export type SettingsChange = z.input<typeof SettingsChange>;
