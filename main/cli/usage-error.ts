/** Raised by a command when the user's input is wrong: exits 2, like a usage error. */
export class UsageError extends Error {}
