/** A file of a dropped build context, with its path inside the context. */
export interface DroppedFile {
  path: string;
  file: File;
}

export interface DroppedContext {
  /** The dropped folder's (or file's) name, for the default tag. */
  name: string;
  files: DroppedFile[];
  /** The Dockerfile's path inside the context. */
  dockerfile: string;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries answers in batches (100 in Chrome) until it answers none.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const next = (): void =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry, prefix: string, out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: prefix + entry.name, file });
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, `${prefix}${entry.name}/`, out);
  }
}

/**
 * What was dropped, as a build context: a folder is the context (its Dockerfile at the top); a lone
 * file is the Dockerfile and the whole context; several files are a context of their own.
 * Browsers give no paths, so the files' bytes are read here and sent.
 */
export async function droppedContext(transfer: DataTransfer): Promise<DroppedContext> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry()).filter((entry): entry is FileSystemEntry => entry !== null);
  const folder = entries.length === 1 && entries[0]?.isDirectory ? entries[0] : null;
  if (folder) {
    const files: DroppedFile[] = [];
    for (const child of await readAll((folder as FileSystemDirectoryEntry).createReader())) await walk(child, '', files);
    if (!files.some((f) => f.path === 'Dockerfile'))
      throw new Error(`The folder ${folder.name} has no Dockerfile at its top. Drop a folder holding one, or the Dockerfile itself.`);
    return { name: folder.name, files, dockerfile: 'Dockerfile' };
  }
  // Several things dropped, folders among them: each is read whole into the context's top.
  const walked: DroppedFile[] = [];
  if (entries.some((entry) => entry.isDirectory)) for (const entry of entries) await walk(entry, '', walked);
  const files = walked.length > 0 ? walked : [...transfer.files].map((file) => ({ path: file.name, file }));
  if (files.length === 0) throw new Error('Nothing to build was dropped: drop a Dockerfile, or a folder holding one.');
  if (files.length === 1 && files[0]) return { name: files[0].file.name, files, dockerfile: files[0].file.name };
  const dockerfile = files.find((f) => f.path === 'Dockerfile' || f.path.endsWith('.Dockerfile'));
  if (!dockerfile) throw new Error('None of the dropped files is a Dockerfile. Drop a Dockerfile, or a folder holding one.');
  return { name: dockerfile.path === 'Dockerfile' ? 'image' : dockerfile.path.replace(/\.Dockerfile$/, ''), files, dockerfile: dockerfile.path };
}

/** A tag from a folder's name, as Docker allows names: lowercase letters, digits and separators. */
export function defaultTag(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/\.?dockerfile$/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `${cleaned || 'image'}:latest`;
}

/**
 * What was picked with the Build buttons, as a build context: a folder (from an
 * `<input webkitdirectory>`, each file with its path under the folder) is the context with its
 * Dockerfile at the top; a picked Dockerfile alone is the whole context, as a dropped one is.
 */
export function pickedContext(picked: FileList | File[], kind: 'folder' | 'dockerfile'): DroppedContext {
  const list = [...picked];
  if (list.length === 0) throw new Error('Nothing was picked: choose a folder holding a Dockerfile, or a Dockerfile.');
  if (kind === 'dockerfile') {
    const [file] = list as [File];
    return { name: file.name, files: [{ path: file.name, file }], dockerfile: file.name };
  }
  const folder = list[0]?.webkitRelativePath.split('/')[0] ?? 'image';
  const files = list.map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/') || file.name, file }));
  if (!files.some((f) => f.path === 'Dockerfile'))
    throw new Error(`The folder ${folder} has no Dockerfile at its top. Pick a folder holding one, or the Dockerfile itself.`);
  return { name: folder, files, dockerfile: 'Dockerfile' };
}
