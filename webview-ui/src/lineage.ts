// Where an image came from and what was made from it: "Upscaled from X" (a click shows X) on a
// derived image, "2 derived" (a click shows them) on its source.
import type { GalleryAsset } from '../../src/shared/webviewProtocol';
import { element } from './dom';

const VERBS: Record<NonNullable<GalleryAsset['derivedFrom']>['operation'], string> = { upscale: 'Upscaled from' };

/** A link-styled button: it moves within the gallery, it does not open anything. */
function link(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const node = element('button', { type: 'button', className: 'link', textContent: label, title });
  node.addEventListener('click', onClick);
  return node;
}

/** The lineage line of an image, or nothing when it has none. `show` brings the named images into view. */
export function lineageLine(asset: GalleryAsset, show: (uris: readonly string[]) => void): HTMLElement[] {
  const parts: (Node | string)[] = [];
  const source = asset.derivedFrom;
  if (source) {
    parts.push(`${VERBS[source.operation]} `);
    parts.push(
      source.uri
        ? link(source.file, `Show ${source.file}`, () => show([source.uri!]))
        : element('span', { textContent: source.file, title: `${source.file} is not in the gallery (moved or deleted)` }),
    );
  }
  const derived = asset.derived ?? [];
  if (derived.length) {
    if (parts.length) parts.push(' · ');
    parts.push(
      link(`${derived.length} derived`, `Show the ${derived.length === 1 ? 'image' : 'images'} made from this one`, () => show(derived)),
    );
  }
  return parts.length ? [element('p', { className: 'lineage' }, parts)] : [];
}
