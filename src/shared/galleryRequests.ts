// How a gallery card names the image its buttons act on: by the image file's URI (a file on disk may
// have no job record). Used by the webview, which sends it, and by the host's tests, which resolve it.
import type { GalleryAsset, GalleryRequest } from './webviewProtocol';

export type AssetAction = GalleryRequest['type'];

export function assetRequest(type: AssetAction, asset: Pick<GalleryAsset, 'uri'>): GalleryRequest {
  return { type, uri: asset.uri };
}
