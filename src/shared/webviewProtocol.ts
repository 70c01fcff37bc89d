// The gallery's host⇄webview protocol, imported by both sides so a message shape cannot drift.

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

export type GalleryRequest =
  | { readonly type: 'insert'; readonly jobId: string; readonly path: string }
  | { readonly type: 'open'; readonly jobId: string; readonly path: string }
  | { readonly type: 'copyPrompt'; readonly jobId: string }
  | { readonly type: 'reveal'; readonly jobId: string; readonly path: string };

export type GalleryToHostMessage = { readonly type: 'ready' } | (GalleryRequest & { readonly requestId: number });

/** What the webview persists with setState (UI state only, never data). */
export interface GalleryUiState {
  readonly filter: string;
}

export const GALLERY_VIEW_TYPE = 'imageJobs.gallery';
