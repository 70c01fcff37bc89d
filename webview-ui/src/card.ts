// A gallery card: the image (click or Enter: the lightbox), a checkbox to select it for comparing,
// its prompt and parameters, its lineage, and the actions the host carries out on its file: Insert
// and Open as buttons, the rest under "…" (cardMenu).
import type { GalleryAsset, GalleryLiveJob, GalleryRequest } from '../../src/shared/webviewProtocol';
import { assetRequest, cardMenu } from '../../src/shared/galleryRequests';
import { button, element, lazyImage } from './dom';
import { describeAsset } from './describe';
import { lineageLine } from './lineage';
import { moreMenu, type MenuItem } from './moreMenu';

export interface CardHandlers {
  request(body: GalleryRequest, status: HTMLElement): void;
  view(asset: GalleryAsset): void;
  select(asset: GalleryAsset, selected: boolean): void;
  /** Brings these images into view (lineage links). */
  show(uris: readonly string[]): void;
}

/** The "…" menu's items for an image; `only` keeps some of them (the lightbox shows Upscale as a button). */
export function menuItems(
  asset: GalleryAsset,
  act: (type: GalleryRequest['type']) => () => void,
  only?: readonly GalleryRequest['type'][],
): MenuItem[] {
  return cardMenu(asset)
    .filter((entry) => !only || only.includes(entry.action))
    .map((entry) => ({ label: entry.label, title: entry.title, groupStart: entry.groupStart, run: act(entry.action) }));
}

export function card(asset: GalleryAsset, selected: boolean, on: CardHandlers): HTMLElement {
  // a line of its own above the buttons, not beside them: a long one ("Inserted ![…](…)") wrapped under
  // the buttons, where the "…" menu opens, and the menu covered it
  const status = element('p', { className: 'status', role: 'status' });
  const act = (type: GalleryRequest['type']) => () => on.request(assetRequest(type, asset), status);
  const image = lazyImage(asset.src, { alt: asset.prompt, title: 'View larger', tabIndex: 0 });
  // reserve the image's own aspect ratio before it loads, so the grid does not jump
  if (asset.width && asset.height) Object.assign(image, { width: asset.width, height: asset.height });
  image.addEventListener('click', () => on.view(asset));
  image.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      on.view(asset);
    }
  });
  const checkbox = element('input', { type: 'checkbox', checked: selected, title: 'Select to compare' });
  checkbox.setAttribute('aria-label', `Select to compare: ${asset.path}`);
  checkbox.addEventListener('change', () => on.select(asset, checkbox.checked));
  const details = [element('p', { className: 'prompt', textContent: asset.prompt })];
  if (asset.negativePrompt) details.push(element('p', { className: 'negative', textContent: `Negative: ${asset.negativePrompt}` }));
  const article = element('article', { className: selected ? 'card selected' : 'card' }, [
    element('div', { className: 'frame' }, [image, element('label', { className: 'pick' }, [checkbox])]),
    element('div', { className: 'details' }, [
      ...details,
      element('p', { className: 'meta', textContent: describeAsset(asset) }),
      ...lineageLine(asset, on.show),
      element('p', { className: 'path', textContent: asset.path, title: asset.path }),
      status,
      element('div', { className: 'actions' }, [
        button('Insert', 'Insert a reference at the cursor of the last editor', act('insert'), 'primary'),
        button('Open', 'Open the image', act('open')),
        ...moreMenu(menuItems(asset, act), asset.path),
      ]),
    ]),
  ]);
  article.dataset.uri = asset.uri;
  return article;
}

/** A job of this window still on its way: no file yet, so no actions. */
export function liveCard(job: GalleryLiveJob): HTMLElement {
  const images = job.count === 1 ? '1 image' : `${job.count} images`;
  return element('article', { className: 'card live' }, [
    element('div', { className: 'placeholder', textContent: `${job.status}…` }),
    element('div', { className: 'details' }, [
      element('p', { className: 'prompt', textContent: job.prompt }),
      element('p', { className: 'meta', textContent: `${job.model} · ${images}` }),
    ]),
  ]);
}
