import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { NodeImage } from '../../app/contract';
import { LABELS } from '../../app/domain/labels';
import { dockerMessage } from './docker-progress';

/** The node's images, as `docker images` lists them, with the running sessions each one backs. */
export async function listImages(docker: Docker): Promise<NodeImage[]> {
  const [images, containers] = await Promise.all([docker.listImages(), docker.listContainers({ filters: { label: [LABELS.session] } })]);
  return images
    .map((image) => ({
      id: image.Id,
      tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
      size: image.Size,
      created: new Date(image.Created * 1000).toISOString(),
      usedBy: containers.filter((c) => c.ImageID === image.Id).map((c) => c.Labels[LABELS.name] || c.Id.slice(0, 12)),
    }))
    .sort((a, b) => b.created.localeCompare(a.created));
}

/** Removes a tag (or an untagged image by ID); refuses while a running session uses it, saying which. */
export async function removeImage(docker: Docker, node: string, ref: string): Promise<void> {
  const inspected = await docker
    .getImage(ref)
    .inspect()
    .catch(() => null);
  if (!inspected) throw new BerthError('not-found', `${node} has no image ${ref}. \`berth image list --node ${node}\` shows what it has.`);
  const users = (await listImages(docker)).find((image) => image.id === inspected.Id)?.usedBy ?? [];
  if (users.length > 0) {
    throw new BerthError(
      'invalid-params',
      `${ref} is in use by the running session${users.length > 1 ? 's' : ''} ${users.join(', ')} on ${node}: stop ${users.length > 1 ? 'them' : 'it'} first.`,
    );
  }
  try {
    await docker.getImage(ref).remove();
  } catch (error) {
    throw new BerthError('invalid-params', `${node} would not remove ${ref}: ${dockerMessage(error)}.`);
  }
}
