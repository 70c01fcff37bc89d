// One-line accounts of an image's parameters, shared by the cards and the lightbox.
import type { GalleryAsset } from '../../src/shared/webviewProtocol';

export function describeAsset(asset: GalleryAsset): string {
  const parts = [asset.model];
  if (asset.width && asset.height) parts.push(`${asset.width}×${asset.height}`);
  if (asset.seed !== undefined) parts.push(`seed ${asset.seed}`);
  if (asset.steps !== undefined) parts.push(`${asset.steps} steps`);
  if (asset.cfgScale !== undefined) parts.push(`CFG ${asset.cfgScale}`);
  if (asset.sampler) parts.push(asset.sampler);
  return parts.join(' · ');
}
