/** The people on every test node: two who may use Docker, one who may not. */
export const TEST_USERS = [
  { name: 'alice', uid: 2001, docker: true },
  { name: 'bob', uid: 2002, docker: true },
  { name: 'carol', uid: 2003, docker: false },
] as const;

export type TestUserName = (typeof TEST_USERS)[number]['name'];

export function passwordOf(user: TestUserName): string {
  return `${user}-pass-1`;
}
