// The gallery's index of images on disk: each image found through its JSON sidecar (written by
// resultSaver.ts), whatever job history a window keeps. Sidecars are workspace files anyone can edit,
// so each is size-capped, parsed with a schema, and may only name the image beside it. No `vscode`
// import: paths are URI strings, and the watcher service feeds this index.
import * as z from 'zod/mini';
import type { SweepCell } from '../generationParams';
import type { ProvenanceParams } from './provenance';
import { decodedSegment } from './uriSegments';

/** One image the gallery can show, as its sidecar describes it. */
export interface GalleryEntry extends ProvenanceParams {
  /** URI of the image file; what the gallery and its requests name the image by. */
  readonly imageUri: string;
  readonly sidecarUri: string;
  readonly prompt: string;
  readonly model: string;
  readonly provider?: string;
  readonly jobId?: string;
  /** The provider's id for the image (PhotoGPT upscales by it). */
  readonly remoteAssetId?: string;
  /** The image this one was made from, by the URI it has beside this one. */
  readonly derivedFrom?: { readonly operation: 'upscale'; readonly uri: string; readonly file: string };
  /** Milliseconds since the epoch: when the image was completed. */
  readonly createdAt: number;
  /** Which of its job's images this is (a job may make several). */
  readonly index?: number;
  /** The image's place in a sweep, when a `.prompt` file's sweep made it (see sweepGrid.ts). */
  readonly sweep?: SweepCell;
}

/** A sidecar bigger than this is not ours (ours are well under 4 KB). */
export const MAX_SIDECAR_BYTES = 64 * 1024;
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'gif'] as const;

const text = (max: number) => z.string().check(z.maxLength(max));
const count = z.number().check(z.int(), z.nonnegative(), z.lte(1_000_000));
const finite = z.number().check(z.refine(Number.isFinite));
const date = z.string().check(
  z.maxLength(40),
  z.refine((value) => Number.isFinite(Date.parse(value))),
);

/** The most swept keys a sidecar's grid may have (a sweep of more is not one to look at as a grid). */
const MAX_SWEEP_KEYS = 8;

/** SweepCell (generationParams.ts) in zod/mini, with sizes capped: this bundle loads at activation. */
const sweepSchema = z
  .object({
    batchId: text(200).check(z.minLength(1)),
    keys: z.array(text(100).check(z.minLength(1))).check(z.minLength(1), z.maxLength(MAX_SWEEP_KEYS)),
    values: z.array(z.union([text(500), finite])).check(z.maxLength(MAX_SWEEP_KEYS)),
    position: z.array(count).check(z.maxLength(MAX_SWEEP_KEYS)),
    shape: z.array(count.check(z.gte(1), z.lte(1000))).check(z.maxLength(MAX_SWEEP_KEYS)),
  })
  .check(
    z.refine(
      (cell) =>
        [cell.values, cell.position, cell.shape].every((list) => list.length === cell.keys.length) &&
        cell.position.every((index, axis) => index < cell.shape[axis]!),
    ),
  );

function readSweep(raw: unknown): SweepCell | undefined {
  const parsed = sweepSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** Loose object: sidecars may carry fields a later version adds; only these are read. */
const sidecarSchema = z.object({
  generator: z.literal('image-jobs'),
  file: text(255),
  prompt: text(20_000),
  negativePrompt: z.optional(text(20_000)),
  model: text(300),
  provider: z.optional(text(100)),
  jobId: z.optional(text(200)),
  remoteAssetId: z.optional(text(200)),
  derivedFrom: z.optional(z.object({ operation: z.literal('upscale'), file: text(255) })),
  seed: z.optional(finite),
  width: z.optional(count),
  height: z.optional(count),
  steps: z.optional(count),
  cfgScale: z.optional(finite),
  sampler: z.optional(text(100)),
  createdAt: z.optional(date),
  completedAt: z.optional(date),
  index: z.optional(count),
  // read on its own (readSweep): a sweep that does not add up is dropped, not the image
  sweep: z.optional(z.unknown()),
});

export type SidecarRead = { readonly ok: true; readonly entry: GalleryEntry } | { readonly ok: false; readonly problem: string };

function splitName(uri: string): { folder: string; stem: string; extension: string } {
  const slash = uri.lastIndexOf('/');
  const name = uri.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  return { folder: uri.slice(0, slash + 1), stem: dot > 0 ? name.slice(0, dot) : name, extension: dot > 0 ? name.slice(dot + 1) : '' };
}

/** A plain file name: no folder part, nothing a path could climb out with. */
function isPlainFileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  return name.length > 0 && !/[/\\\0-\x1f]/.test(name) && name !== '.' && name !== '..';
}

/** The URI of a file beside `uri`; the host passes VS Code's own encoding so URIs compare equal. */
function defaultSibling(uri: string, name: string): string {
  return splitName(uri).folder + encodeURIComponent(name);
}

/**
 * Reads one sidecar (`sidecarUri` is its URI, `bytes` its content) into a gallery entry. Refused: not
 * JSON, not ours, too big, wrong types, or a `file` that is not the image beside it with the same stem
 * (a sidecar cannot point the gallery, or a delete, at another file).
 */
export function readSidecar(sidecarUri: string, bytes: Uint8Array, sibling = defaultSibling): SidecarRead {
  if (bytes.length > MAX_SIDECAR_BYTES) return { ok: false, problem: `over ${MAX_SIDECAR_BYTES} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const parsed = sidecarSchema.safeParse(raw);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? 'sidecar')))].slice(0, 5);
    return { ok: false, problem: `unexpected ${fields.map((field) => JSON.stringify(field.slice(0, 40))).join(', ')}` };
  }
  const sidecar = parsed.data;
  const own = splitName(sidecarUri);
  const image = splitName(`/${sidecar.file}`);
  if (own.extension !== 'json' || !isPlainFileName(sidecar.file) || image.stem !== decodedSegment(own.stem)) {
    return { ok: false, problem: 'its "file" is not the image beside it' };
  }
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(image.extension.toLowerCase())) return { ok: false, problem: 'not an image' };
  const createdAt = Date.parse(sidecar.completedAt ?? sidecar.createdAt ?? '');
  // the source is named by a plain file name beside this image: a sidecar cannot link elsewhere
  const source = sidecar.derivedFrom && isPlainFileName(sidecar.derivedFrom.file) ? sidecar.derivedFrom : undefined;
  return {
    ok: true,
    entry: {
      imageUri: sibling(sidecarUri, sidecar.file),
      sidecarUri,
      prompt: sidecar.prompt,
      negativePrompt: sidecar.negativePrompt || undefined,
      model: sidecar.model,
      provider: sidecar.provider,
      jobId: sidecar.jobId,
      ...(sidecar.remoteAssetId ? { remoteAssetId: sidecar.remoteAssetId } : {}),
      ...(source ? { derivedFrom: { operation: source.operation, uri: sibling(sidecarUri, source.file), file: source.file } } : {}),
      seed: sidecar.seed,
      width: sidecar.width,
      height: sidecar.height,
      steps: sidecar.steps,
      cfgScale: sidecar.cfgScale,
      sampler: sidecar.sampler,
      createdAt: Number.isFinite(createdAt) ? createdAt : 0,
      index: sidecar.index,
      sweep: sidecar.sweep === undefined ? undefined : readSweep(sidecar.sweep),
    },
  };
}

/** The sidecar URI an image would have: same folder and stem, `.json`. */
export function sidecarUriFor(imageUri: string): string | undefined {
  const { folder, stem, extension } = splitName(imageUri);
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extension.toLowerCase()) ? `${folder}${stem}.json` : undefined;
}

/** The folder part of a URI, with its trailing slash. */
export function folderOf(uri: string): string {
  return splitName(uri).folder;
}

/**
 * Images by URI, each kept by its sidecar. At most `maxEntries` (a workspace full of sidecars must not
 * grow the gallery without bound); the folders it has seen stay known for the webview's resource roots.
 */
export class GalleryIndex {
  private readonly byImage = new Map<string, GalleryEntry>();
  private readonly imageBySidecar = new Map<string, string>();
  /**
   * Each `.json` file as it was when last read (its stamp: modification time and size), whether it
   * made an entry or was refused (not a sidecar, its image gone): a rescan reads only what changed.
   */
  private readonly stamps = new Map<string, string>();

  constructor(private readonly maxEntries = 5000) {}

  /** Adds or replaces the entry of a sidecar, read at `stamp`; false when the index is full. */
  put(entry: GalleryEntry, stamp?: string): boolean {
    const previous = this.imageBySidecar.get(entry.sidecarUri);
    if (previous !== undefined && previous !== entry.imageUri) this.byImage.delete(previous);
    if (!this.byImage.has(entry.imageUri) && this.byImage.size >= this.maxEntries) {
      this.stamps.delete(entry.sidecarUri); // not in: read it again when there is room
      return false;
    }
    this.byImage.set(entry.imageUri, entry);
    this.imageBySidecar.set(entry.sidecarUri, entry.imageUri);
    if (stamp === undefined) this.stamps.delete(entry.sidecarUri);
    else this.stamps.set(entry.sidecarUri, stamp);
    return true;
  }

  /**
   * A `.json` file read at `stamp` whose content makes no entry (not JSON, not a sidecar): dropped, and
   * not read again until it changes. True when an entry went. (A sidecar whose image is missing is
   * `remove`d instead: the image may come back while the sidecar stays the same.)
   */
  refuse(sidecarUri: string, stamp: string): boolean {
    const removed = this.remove(sidecarUri);
    this.stamps.set(sidecarUri, stamp);
    return removed;
  }

  /** Whether the file was last read at `stamp`: what the index holds of it (an entry, or none) is current. */
  isCurrent(sidecarUri: string, stamp: string): boolean {
    return this.stamps.get(sidecarUri) === stamp;
  }

  /** Forgets whatever a file was: an image, or the sidecar of one. True when an entry went. */
  remove(uri: string): boolean {
    this.stamps.delete(uri);
    const image = this.imageBySidecar.get(uri) ?? uri;
    const entry = this.byImage.get(image);
    if (!entry) return false;
    this.byImage.delete(image);
    this.imageBySidecar.delete(entry.sidecarUri);
    this.stamps.delete(entry.sidecarUri);
    return true;
  }

  /** Forgets every entry under a folder URI (a deleted folder reports only itself). */
  removeUnder(folderUri: string): boolean {
    const prefix = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
    let removed = false;
    for (const image of [...this.byImage.keys()]) if (image.startsWith(prefix)) removed = this.remove(image) || removed;
    for (const file of [...this.stamps.keys()]) if (file.startsWith(prefix)) this.stamps.delete(file);
    return removed;
  }

  get(imageUri: string): GalleryEntry | undefined {
    return this.byImage.get(imageUri);
  }

  /** The entry a sidecar made. */
  entryOf(sidecarUri: string): GalleryEntry | undefined {
    const image = this.imageBySidecar.get(sidecarUri);
    return image === undefined ? undefined : this.byImage.get(image);
  }

  /** Newest first. */
  entries(): GalleryEntry[] {
    return [...this.byImage.values()].sort((a, b) => b.createdAt - a.createdAt || a.imageUri.localeCompare(b.imageUri));
  }

  /** Every folder an indexed image lives in. */
  folders(): string[] {
    return [...new Set([...this.byImage.keys()].map(folderOf))].sort();
  }

  get size(): number {
    return this.byImage.size;
  }
}
