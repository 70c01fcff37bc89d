// How a gallery card names the image its buttons act on: by the image file's URI (a file on disk may
// have no job record). Used by the webview, which sends it, and by the host's tests, which resolve it.
import type { GalleryAsset, GalleryRequest } from './webviewProtocol';

export type AssetAction = GalleryRequest['type'];

export function assetRequest(type: AssetAction, asset: Pick<GalleryAsset, 'uri'>): GalleryRequest {
  return { type, uri: asset.uri };
}

export interface CardMenuEntry {
  readonly action: AssetAction;
  readonly label: string;
  readonly title: string;
  /** A line above it: the first of a group (deleting the file stands apart). */
  readonly groupStart?: boolean;
}

/**
 * What a card's "…" menu offers, in order: the actions a card does not give a button of its own
 * (Insert and Open have one). Each is a request the host already carries out on an indexed image.
 */
export function cardMenu(asset: Pick<GalleryAsset, 'canUpscale' | 'canTrash'>): CardMenuEntry[] {
  return [
    ...(asset.canUpscale
      ? [{ action: 'upscale', label: 'Upscale', title: 'Upscale this image (a new job; saved beside it)' } as const]
      : []),
    { action: 'copyPrompt', label: 'Copy Prompt', title: 'Copy the prompt to the clipboard', groupStart: asset.canUpscale === true },
    { action: 'reveal', label: 'Reveal in Explorer', title: 'Show the image in the Explorer' },
    { action: 'openSidecar', label: 'Open Sidecar', title: 'Open the JSON sidecar: the prompt, parameters and job ids' },
    asset.canTrash
      ? { action: 'delete', label: 'Move to Trash…', title: 'Move the image and its sidecar to the trash (asks first)', groupStart: true }
      : {
          action: 'delete',
          label: 'Delete Permanently…',
          title: 'Delete the image and its sidecar for good: there is no trash here (asks first)',
          groupStart: true,
        },
  ];
}
