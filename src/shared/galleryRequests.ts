// How a gallery card names the asset its buttons act on. Shared by the webview (which sends it) and
// the host tests (which resolve it), so both sides agree on what identifies an asset.
import type { GalleryAsset, GalleryRequest } from './webviewProtocol';

export type AssetAction = 'insert' | 'open' | 'reveal';

export function assetRequest(type: AssetAction, asset: GalleryAsset): GalleryRequest {
  return { type, jobId: asset.jobId, index: asset.index };
}
