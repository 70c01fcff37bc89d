// The gallery's host⇄webview protocol, imported by both sides so a message shape cannot drift.
import * as z from 'zod/mini';

export interface GalleryAsset {
  readonly key: string;
  readonly jobId: string;
  /** webview URI of the image file. */
  readonly src: string;
  /** Path relative to the output root; what requests name the asset by. */
  readonly path: string;
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly model: string;
  readonly seed?: number;
  readonly width?: number;
  readonly height?: number;
  readonly steps?: number;
  readonly cfgScale?: number;
  readonly sampler?: string;
  readonly createdAt: number;
}

export type HostToGalleryMessage =
  | { readonly type: 'assets'; readonly assets: readonly GalleryAsset[] }
  | { readonly type: 'reply'; readonly requestId: number; readonly ok: boolean; readonly message: string };

// Messages from the webview are untrusted input: the host parses them with these schemas and the
// types below are derived from them. zod/mini keeps the activation bundle small; the webview imports
// types only, so zod never reaches its bundle.
const jobId = z.string().check(z.minLength(1), z.maxLength(200));
const assetPath = z.string().check(z.minLength(1), z.maxLength(4096));

/** Strict objects: an unknown key (`__proto__`, `constructor`, anything else) fails the whole message. */
const insert = z.strictObject({ type: z.literal('insert'), jobId, path: assetPath });
const open = z.strictObject({ type: z.literal('open'), jobId, path: assetPath });
const reveal = z.strictObject({ type: z.literal('reveal'), jobId, path: assetPath });
const copyPrompt = z.strictObject({ type: z.literal('copyPrompt'), jobId });
export const galleryRequestSchema = z.discriminatedUnion('type', [insert, open, reveal, copyPrompt]);

const withRequestId = { requestId: z.int().check(z.positive()) };

export const galleryToHostMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready') }),
  z.extend(insert, withRequestId),
  z.extend(open, withRequestId),
  z.extend(reveal, withRequestId),
  z.extend(copyPrompt, withRequestId),
]);

/** What a card asks the host to do; the webview adds a requestId to match the reply. */
export type GalleryRequest = Readonly<z.infer<typeof galleryRequestSchema>>;
export type GalleryToHostMessage = Readonly<z.infer<typeof galleryToHostMessageSchema>>;

/** What the webview persists with setState (UI state only, never data). */
export interface GalleryUiState {
  readonly filter: string;
}

export const GALLERY_VIEW_TYPE = 'imageJobs.gallery';
