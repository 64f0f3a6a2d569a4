/** The image's shell as a login shell: bash where the image has it, else sh. Berth's own constant text. */
export const LOGIN_SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];
