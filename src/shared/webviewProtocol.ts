// The gallery's host⇄webview protocol, imported by both sides so a message shape cannot drift.
import * as z from 'zod/mini';
// the one parameters type (core/generationParams.ts), as provenance records it; a type only, erased from the webview bundle
import type { ProvenanceParams } from '../core/results/provenance';
import type { SweepCell } from '../core/generationParams';

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
  /** Its file can go to the trash; without, the card offers to delete it for good (a browser, a remote). */
  readonly canTrash?: boolean;
  /** Which of its job's images this is. */
  readonly index?: number;
  /** Its place in a sweep's batch: the gallery lays the batch out as a grid (core/results/sweepGrid.ts). */
  readonly sweep?: SweepCell;
}

/** A job of a sweep with no image (failed, canceled, on its way): its grid cell says so. */
export interface GallerySweepJob {
  readonly sweep: SweepCell;
  readonly status: string;
  readonly message?: string;
  readonly createdAt?: number;
  readonly prompt?: string;
}

/** A job still on its way: live state that job history adds to the files on disk. */
export interface GalleryLiveJob {
  readonly jobId: string;
  readonly prompt: string;
  readonly model: string;
  readonly status: string;
  readonly count: number;
}

/**
 * The images go in pages, so the page can show its first screen before the rest has come: `assets`
 * holds the first page (in the order the page sorts by, which `ready` and `uiState` tell the host),
 * and `moreAssets` messages of the same `update` the rest, in order, until `total` have come.
 */
export const GALLERY_FIRST_PAGE = 60;
/** The images of each `moreAssets` message: a few hundred kilobytes, never one message of thousands of images. */
export const GALLERY_MORE_PAGE = 500;

export type HostToGalleryMessage =
  | {
      readonly type: 'assets';
      /** Which listing this is: a later `assets` message replaces it, and its `moreAssets` with it. */
      readonly update: number;
      /** The first page of the images. */
      readonly assets: readonly GalleryAsset[];
      /** How many images the listing has in all (`assets` and the `moreAssets` after it). */
      readonly total: number;
      readonly live: readonly GalleryLiveJob[];
      /** This window's jobs of a sweep that have no image: only this window's job history knows them. */
      readonly sweepJobs: readonly GallerySweepJob[];
    }
  | {
      /** The next page of the images of listing `update`. */
      readonly type: 'moreAssets';
      readonly update: number;
      readonly assets: readonly GalleryAsset[];
    }
  | {
      /** What the gallery showed when it was last open (kept by the host): sent after `ready`, before the assets. */
      readonly type: 'restore';
      readonly state: GalleryKeptState;
    }
  | {
      readonly type: 'reply';
      readonly requestId: number;
      readonly ok: boolean;
      readonly message: string;
      /** A file the request wrote (a contact sheet): the gallery offers to open it, by an `open` request naming it. */
      readonly file?: string;
    };

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
const openSidecar = onFile('openSidecar');
const copyPrompt = onFile('copyPrompt');
const trash = onFile('delete');
const upscale = onFile('upscale');
export const galleryRequestSchema = z.discriminatedUnion('type', [insert, open, reveal, openSidecar, copyPrompt, trash, upscale]);

const withRequestId = { requestId: z.int().check(z.positive()) };

const axis = z.int().check(z.nonnegative(), z.lte(64));
/** "Save contact sheet": the batch's grid as the gallery shows it (rows, columns, the page's value of each other key). */
const saveContactSheet = z.strictObject({
  type: z.literal('saveContactSheet'),
  batchId: z.string().check(z.minLength(1), z.maxLength(200)),
  rows: axis,
  columns: z.optional(axis),
  page: z.array(z.int().check(z.nonnegative(), z.lte(100_000))).check(z.maxLength(64)),
  ...withRequestId,
});

const SORT_VALUES = ['newest', 'oldest', 'prompt', 'model'] as const;

/**
 * What outlives the panel: the sort and the grid (batch, rows, columns, page). The webview's own
 * state (setState) covers a hidden panel and a reload; closing the panel drops it, so the page also
 * sends this to the host, which keeps it in the workspace state for the next panel. Never the filter.
 */
export const galleryKeptStateSchema = z.strictObject({
  sort: z.optional(z.enum(SORT_VALUES)),
  grid: z.optional(
    z.strictObject({
      batchId: z.string().check(z.minLength(1), z.maxLength(200)),
      rows: z.optional(axis),
      columns: z.optional(axis),
      page: z.optional(z.array(z.int().check(z.nonnegative(), z.lte(100_000))).check(z.maxLength(64))),
    }),
  ),
});
export type GalleryKeptState = Readonly<z.infer<typeof galleryKeptStateSchema>>;

export const galleryToHostMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('uiState'), state: galleryKeptStateSchema }),
  // the page's sort, so the first page of images is the page's first screen
  z.strictObject({ type: z.literal('ready'), sort: z.optional(z.enum(SORT_VALUES)) }),
  z.extend(insert, withRequestId),
  z.extend(open, withRequestId),
  z.extend(reveal, withRequestId),
  z.extend(openSidecar, withRequestId),
  z.extend(copyPrompt, withRequestId),
  z.extend(trash, withRequestId),
  z.extend(upscale, withRequestId),
  saveContactSheet,
]);

/** What a card asks the host to do; the webview adds a requestId to match the reply. */
export type GalleryRequest = Readonly<z.infer<typeof galleryRequestSchema>>;
export type GalleryToHostMessage = Readonly<z.infer<typeof galleryToHostMessageSchema>>;
export type SaveContactSheetRequest = Readonly<z.infer<typeof saveContactSheet>>;

export type GallerySort = (typeof SORT_VALUES)[number];

/**
 * What the webview persists with setState (UI state only, never data): the filter, and what the host
 * keeps across a closed panel: the sort and the sweep batch shown as a grid, and how (rows, columns,
 * page); no grid: every image as cards.
 */
export interface GalleryUiState extends GalleryKeptState {
  readonly filter: string;
}

export const GALLERY_VIEW_TYPE = 'imageJobs.gallery';
