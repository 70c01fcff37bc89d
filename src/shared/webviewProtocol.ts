// The gallery's host⇄webview protocol, imported by both sides so a message shape cannot drift.
import * as z from 'zod/mini';
// the one parameters type (core/generationParams.ts), as provenance records it; a type only, erased from the webview bundle
import type { ProvenanceParams } from '../core/results/provenance';

/** An image on disk, as its sidecar describes it. Named by its file, never by a job: a file may have no job record. */
export interface GalleryAsset extends ProvenanceParams {
  /** URI of the image file: the card's key and what requests name the image by. */
  readonly uri: string;
  /** webview URI of the image file. */
  readonly src: string;
  /** Workspace-relative path (or the file's path outside any folder), for display and filtering. */
  readonly path: string;
  readonly prompt: string;
  readonly model: string;
  readonly provider?: string;
  readonly jobId?: string;
  readonly createdAt: number;
  /** The image this one was made from; `uri` only when the gallery lists it (a click reveals it). */
  readonly derivedFrom?: { readonly operation: 'upscale'; readonly file: string; readonly uri?: string };
  /** URIs of the listed images made from this one, newest first. */
  readonly derived?: readonly string[];
  /** Its provider can upscale it (the Sandbox, PhotoGPT by its image id): the card offers "Upscale". */
  readonly canUpscale?: boolean;
}

/** A job still on its way: live state that job history adds to the files on disk. */
export interface GalleryLiveJob {
  readonly jobId: string;
  readonly prompt: string;
  readonly model: string;
  readonly status: string;
  readonly count: number;
}

export type HostToGalleryMessage =
  | { readonly type: 'assets'; readonly assets: readonly GalleryAsset[]; readonly live: readonly GalleryLiveJob[] }
  | { readonly type: 'reply'; readonly requestId: number; readonly ok: boolean; readonly message: string };

// Messages from the webview are untrusted input: the host parses them with these schemas and the
// types below are derived from them. zod/mini keeps the activation bundle small; the webview imports
// types only, so zod never reaches its bundle. A URI only names an image the host has indexed: the
// host looks it up and refuses any other.
const uri = z.string().check(z.minLength(1), z.maxLength(8192));

/** Strict objects: an unknown key (`__proto__`, `constructor`, anything else) fails the whole message. */
const onFile = <T extends string>(type: T) => z.strictObject({ type: z.literal(type), uri });
const insert = onFile('insert');
const open = onFile('open');
const reveal = onFile('reveal');
const copyPrompt = onFile('copyPrompt');
const trash = onFile('delete');
const upscale = onFile('upscale');
export const galleryRequestSchema = z.discriminatedUnion('type', [insert, open, reveal, copyPrompt, trash, upscale]);

const withRequestId = { requestId: z.int().check(z.positive()) };

export const galleryToHostMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.extend(insert, withRequestId),
  z.extend(open, withRequestId),
  z.extend(reveal, withRequestId),
  z.extend(copyPrompt, withRequestId),
  z.extend(trash, withRequestId),
  z.extend(upscale, withRequestId),
]);

/** What a card asks the host to do; the webview adds a requestId to match the reply. */
export type GalleryRequest = Readonly<z.infer<typeof galleryRequestSchema>>;
export type GalleryToHostMessage = Readonly<z.infer<typeof galleryToHostMessageSchema>>;

export type GallerySort = 'newest' | 'oldest' | 'prompt' | 'model';

/** What the webview persists with setState (UI state only, never data). */
export interface GalleryUiState {
  readonly filter: string;
  readonly sort?: GallerySort;
}

export const GALLERY_VIEW_TYPE = 'imageJobs.gallery';
