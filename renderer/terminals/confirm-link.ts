import { mount, unmount } from 'svelte';
import LinkConfirm from './LinkConfirm.svelte';

/**
 * Shows a link from a terminal with its full address and opens it only on the user's say-so. The
 * dialog mounts itself on the page, so a terminal needs nothing but this call.
 */
export function confirmLink(url: string): void {
  const target = document.createElement('div');
  document.body.append(target);
  const dialog = mount(LinkConfirm, {
    target,
    props: {
      url,
      onclose: () => {
        void unmount(dialog);
        target.remove();
      },
    },
  });
}
