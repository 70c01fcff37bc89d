// How a gallery card names the asset its buttons act on: by its path, unique within a job (a card's
// position is not, as the gallery lists a job's images only). Used by the webview, which sends it, and
// by the host's tests, which resolve it, so both sides agree on what identifies an asset.
import type { GalleryAsset, GalleryRequest } from './webviewProtocol';

export type AssetRequest = Extract<GalleryRequest, { readonly path: string }>;
export type AssetAction = AssetRequest['type'];

export function assetRequest(type: AssetAction, asset: GalleryAsset): AssetRequest {
  return { type, jobId: asset.jobId, path: asset.path };
}
