/**
 * The people on every test node: alice and bob may use Docker, carol may not; dave, erin and frank
 * log in with fish, tcsh and zsh, as HPC sites hand out, and gina's ~/.bashrc prints a banner. Each
 * of the last four has rc files that print a greeting for every shell, interactive or not.
 */
export const TEST_USERS = [
  { name: 'alice', uid: 2001, docker: true, shell: '/bin/bash' },
  { name: 'bob', uid: 2002, docker: true, shell: '/bin/bash' },
  { name: 'carol', uid: 2003, docker: false, shell: '/bin/bash' },
  { name: 'dave', uid: 2004, docker: true, shell: '/usr/bin/fish' },
  { name: 'erin', uid: 2005, docker: true, shell: '/usr/bin/tcsh' },
  { name: 'frank', uid: 2006, docker: true, shell: '/usr/bin/zsh' },
  { name: 'gina', uid: 2007, docker: true, shell: '/bin/bash' },
] as const;

export type TestUserName = (typeof TEST_USERS)[number]['name'];

export function passwordOf(user: TestUserName): string {
  return `${user}-pass-1`;
}

export function loginShellOf(user: TestUserName): string {
  return TEST_USERS.find((u) => u.name === user)?.shell ?? '/bin/bash';
}

/** A greeting in a user's home: the file (relative to the home) and the line it prints on stdout. */
export interface RcGreeting {
  file: string;
  line: string;
  /** What the file holds: the greeting comes first, before any guard for interactive shells. */
  content: string;
}

/**
 * What each user's rc files print on every login, also for `ssh user@node true`. frank has a
 * ~/.ssh/rc too, which sshd runs (through the login shell) before any command or subsystem.
 */
export const RC_GREETINGS: Partial<Record<TestUserName, RcGreeting[]>> = {
  dave: [greeting('.config/fish/config.fish', 'Hello dave, from config.fish')],
  erin: [greeting('.cshrc', 'Hello erin, from .cshrc')],
  frank: [greeting('.zshenv', 'Hello frank, from .zshenv'), greeting('.ssh/rc', 'Hello frank, from .ssh/rc')],
  gina: [
    {
      file: '.bashrc',
      line: 'Welcome to the cluster, gina (from .bashrc)',
      content: [
        '# The site banner comes before the guard, so it prints for every shell (as on many clusters).',
        "echo 'Welcome to the cluster, gina (from .bashrc)'",
        'case $- in *i*) ;; *) return ;; esac',
        "PS1='\\u@\\h:\\w\\$ '",
        '',
      ].join('\n'),
    },
  ],
};

/** `echo 'LINE'` means the same in sh, fish, tcsh and zsh. */
function greeting(file: string, line: string): RcGreeting {
  return { file, line, content: `echo '${line}'\n` };
}

/** Every line a user's rc files print on a login. */
export function greetingsOf(user: TestUserName): string[] {
  return (RC_GREETINGS[user] ?? []).map((g) => g.line);
}
