// The lightbox: one image large, its prompt and parameters; ←/→ step through the images the grid
// shows (in its order and filter), Esc closes.
import type { GalleryAsset, GalleryRequest } from '../../src/shared/webviewProtocol';
import { assetRequest } from '../../src/shared/galleryRequests';
import { menuItems } from './card';
import { lineageLine } from './lineage';
import { stepIndex } from '../../src/shared/galleryView';
import { button, element } from './dom';
import { describeAsset } from './describe';
import { closeOverlay, openOverlay, overlayOpen } from './overlay';

let shownUri: string | undefined;

/** What the lightbox asks of the gallery: the host's actions, and showing other images (lineage). */
export interface LightboxHandlers {
  request(body: GalleryRequest, status: HTMLElement): void;
  show(uris: readonly string[]): void;
}

let handlers: LightboxHandlers | undefined;

/** Shows `assets[index]`; `list` is called again on each step, so the lightbox follows updates. */
export function showLightbox(list: () => readonly GalleryAsset[], uri: string, on: LightboxHandlers | undefined = handlers): void {
  handlers = on;
  const assets = list();
  const index = assets.findIndex((asset) => asset.uri === uri);
  const asset = assets[index];
  if (!asset) return;
  shownUri = asset.uri;
  const step = (by: number) => {
    const current = list();
    const next =
      current[
        stepIndex(
          Math.max(
            0,
            current.findIndex((a) => a.uri === shownUri),
          ),
          by,
          current.length,
        )
      ];
    if (next) showLightbox(list, next.uri);
  };
  const status = element('span', { className: 'status', role: 'status' });
  const act = (type: GalleryRequest['type']) => () => on?.request(assetRequest(type, asset), status);
  // a lineage link shows the other image here when the grid lists it, else in the grid
  const show = (uris: readonly string[]) =>
    uris.length === 1 && list().some((a) => a.uri === uris[0]) ? showLightbox(list, uris[0]!, on) : on?.show(uris);
  const image = element('img', { src: asset.src, alt: asset.prompt });
  if (asset.width && asset.height) Object.assign(image, { width: asset.width, height: asset.height });
  const caption = element('div', { className: 'caption' }, [
    element('p', { className: 'prompt-full', textContent: asset.prompt }),
    ...(asset.negativePrompt ? [element('p', { className: 'negative', textContent: `Negative: ${asset.negativePrompt}` })] : []),
    element('p', { className: 'meta', textContent: describeAsset(asset) }),
    ...lineageLine(asset, show),
    element('p', { className: 'path', textContent: `${asset.path} · ${index + 1} of ${assets.length}` }),
  ]);
  const nav = element('div', { className: 'lightbox-nav' }, [
    button('← Previous', 'Previous image (←)', () => step(-1)),
    button('Next →', 'Next image (→)', () => step(1)),
    ...menuItems(asset, act, ['upscale']).map((item) => button(item.label, item.title, () => item.run())),
    status,
  ]);
  openOverlay('lightbox', 'Image', [element('div', { className: 'stage' }, [image]), caption, nav], (event) => {
    if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault();
      step(event.key === 'ArrowLeft' ? -1 : 1);
    }
  });
}

/** After new assets arrive: re-show the open image, or close if it is gone. */
export function refreshLightbox(list: () => readonly GalleryAsset[]): void {
  if (!overlayOpen('lightbox') || !shownUri) return;
  if (list().some((asset) => asset.uri === shownUri)) showLightbox(list, shownUri);
  else closeOverlay();
}
