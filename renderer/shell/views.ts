export type View = 'nodes' | 'sessions' | 'terminals' | 'images' | 'settings';

const VIEWS: View[] = ['nodes', 'sessions', 'terminals', 'images', 'settings'];

/** The view a URL fragment names; the token fragment of browser mode, or nothing, means Nodes. */
export function viewFromHash(hash: string): View {
  const name = hash.replace(/^#/, '');
  return (VIEWS as string[]).includes(name) ? (name as View) : 'nodes';
}
