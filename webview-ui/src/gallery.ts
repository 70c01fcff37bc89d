// The gallery webview: renders the images the host sends (files on disk, plus running jobs), sorts,
// filters, shows one large or several side by side, lays a sweep's batch out as a grid, and asks the
// host to act on a file.
// DOM is built with textContent only, so nothing from a prompt is ever parsed as HTML.
import type {
  GalleryAsset,
  GalleryKeptState,
  GalleryLiveJob,
  GalleryRequest,
  GallerySort,
  GallerySweepJob,
  GalleryToHostMessage,
  GalleryUiState,
  HostToGalleryMessage,
  SaveContactSheetRequest,
} from '../../src/shared/webviewProtocol';
import { sweepBatches, type GridChoice, type SweepBatch } from '../../src/core/results/sweepGrid';
import { batchTitles, isSort, matchesFilter, SORTS, sortAssets } from '../../src/shared/galleryView';
import { readHostMessage } from '../../src/shared/hostMessages';
import { card, liveCard } from './card';
import { CardFocus } from './cardFocus';
import { showComparison } from './compare';
import { button, element } from './dom';
import { refreshLightbox, showLightbox } from './lightbox';
import { closeOverlay } from './overlay';
import { pageImages, sweepGrid } from './sweepGrid';

interface VsCodeApi {
  postMessage(message: GalleryToHostMessage): void;
  getState(): GalleryUiState | undefined;
  setState(state: GalleryUiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

// marks for the browser check's figures (test/e2e/galleryOpen.e2e.mjs): when the page ran, got images, showed them
performance.mark('gallery-script');
const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const saved = vscode.getState();
let assets: readonly GalleryAsset[] = [];
/** The listing shown (the host's `update`), how many images it has in all, and whether its first page has come. */
let update = -1;
let total = 0;
let received = false;
let live: readonly GalleryLiveJob[] = [];
let sweepJobs: readonly GallerySweepJob[] = [];
let batches: SweepBatch<GalleryAsset>[] = [];
let gridState = saved?.grid;
let filter = saved?.filter ?? '';
let sort: GallerySort = isSort(saved?.sort) ? saved.sort : 'newest';
const selected = new Set<string>();
let nextRequestId = 1;
const pending = new Map<number, HTMLElement>();
/** Cards are drawn a page at a time: the first screen at once, the next page as the list scrolls near its end. */
const CARDS_PAGE = 24;
let cardsShown = CARDS_PAGE;

function request(body: GalleryRequest | Omit<SaveContactSheetRequest, 'requestId'>, status: HTMLElement): void {
  const requestId = nextRequestId++;
  pending.set(requestId, status);
  status.textContent = '…';
  status.classList.remove('error');
  vscode.postMessage({ ...body, requestId });
}

/** The images the grid shows, in its order: what the lightbox steps through. */
function visible(): GalleryAsset[] {
  return sortAssets(
    assets.filter((asset) => matchesFilter(asset, filter)),
    sort,
  );
}

/** Brings images into view in the grid (a lineage link): clears a filter that hides them, scrolls, highlights. */
function show(uris: readonly string[]): void {
  closeOverlay();
  if (uris.some((uri) => !visible().some((asset) => asset.uri === uri))) {
    filter = search.value = '';
    saveState();
  }
  // draw the cards down to the last of them
  const last = Math.max(...uris.map((uri) => visible().findIndex((asset) => asset.uri === uri)));
  cardsShown = Math.max(cardsShown, last + 1);
  renderGrid();
  const cards = [...grid.querySelectorAll<HTMLElement>('article[data-uri]')].filter((card) => uris.includes(card.dataset.uri!));
  for (const card of cards) {
    card.classList.remove('flash');
    void card.offsetWidth; // restart the highlight when it is asked for again
    card.classList.add('flash');
  }
  cards[0]?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  cards[0]?.querySelector('img')?.focus({ preventScroll: true });
}

/**
 * setState keeps the page's state while the panel is hidden and across a reload (the serializer hands
 * it back); the host keeps the sort and grid for a panel opened after this one is closed.
 */
const keptState = (): GalleryKeptState => ({ sort, ...(gridState ? { grid: gridState } : {}) });
let kept = JSON.stringify(keptState());
/** A panel with no state of its own (opened anew) takes what the host kept, unless the user has changed something first. */
let restorable = saved === undefined;
function saveState(): void {
  restorable = false;
  vscode.setState({ filter, sort, grid: gridState });
  const state = keptState();
  if (JSON.stringify(state) === kept) return;
  kept = JSON.stringify(state);
  vscode.postMessage({ type: 'uiState', state });
}

function restore(state: GalleryKeptState): void {
  if (!restorable) return;
  restorable = false;
  if (state.sort) sort = sortSelect.value = state.sort;
  gridState = state.grid;
  kept = JSON.stringify(keptState());
  vscode.setState({ filter, sort, grid: gridState });
  render();
}

const search = element('input', {
  type: 'search',
  // short enough for a narrow panel; the title says the rest
  placeholder: 'Filter',
  title: 'Filter by prompt, model, seed or file',
  value: filter,
  ariaLabel: 'Filter by prompt, model, seed or file',
});
search.addEventListener('input', () => {
  filter = search.value;
  cardsShown = CARDS_PAGE;
  saveState();
  renderGrid();
});

const sortSelect = element(
  'select',
  { ariaLabel: 'Sort', title: 'Sort' },
  SORTS.map((option) => element('option', { value: option.value, textContent: option.label, selected: option.value === sort })),
);
sortSelect.addEventListener('change', () => {
  if (isSort(sortSelect.value)) sort = sortSelect.value;
  cardsShown = CARDS_PAGE;
  saveState();
  renderGrid();
});

const count = element('span', { className: 'count' });
const compareButton = button('Compare', 'Compare the selected images side by side', () =>
  showComparison(visible().filter((asset) => selected.has(asset.uri))),
);
const clearButton = button('Clear selection', 'Unselect all images', () => {
  selected.clear();
  renderGrid();
});
const selection = element('div', { className: 'selection' }, [compareButton, clearButton]);
const grid = element('section', { className: 'grid', ariaLabel: 'Images' });
/** At the end of the cards while more are to draw: coming near it draws the next page. */
const moreCards = element('p', { className: 'more-cards' });
const nearTheEnd = new IntersectionObserver(
  (seen) => {
    if (!seen.some((entry) => entry.isIntersecting) || !moreCards.isConnected) return;
    cardsShown += CARDS_PAGE;
    renderGrid();
  },
  { rootMargin: '0px 0px 1200px 0px' },
);
const batchSelect = element('select', { className: 'batch-select', ariaLabel: 'Show a sweep as a grid', title: 'Show a sweep as a grid' });
batchSelect.addEventListener('change', () => {
  gridState = batchSelect.value ? { batchId: batchSelect.value } : undefined;
  saveState();
  render();
});
const sweepView = element('div', { className: 'sweep-view' });
/** Where the focus goes when the last card it was on is gone (its file deleted): focusable from script only. */
const heading = element('h1', { textContent: 'Image Jobs Gallery', tabIndex: -1 });
app.replaceChildren(element('header', {}, [heading, batchSelect, search, sortSelect, count, selection]), grid, sweepView);
const cardFocus = new CardFocus(grid, heading);

/** "a paper boat… · steps × cfgScale (10 × 10)". */
/** A name that tells batches apart and stays put: when it was made, what its prompts share, its keys. */
function renderBatchSelect(): void {
  batchSelect.hidden = batches.length === 0;
  const titles = batchTitles(batches);
  batchSelect.replaceChildren(
    // a grid whose batch is gone (its files deleted) falls back to every image as cards
    element('option', { value: '', textContent: 'All images', selected: !shownBatch() }),
    ...batches.map((batch) =>
      element('option', {
        value: batch.batchId,
        textContent: `Grid: ${titles.get(batch.batchId)!}`,
        selected: batch.batchId === gridState?.batchId,
      }),
    ),
  );
}

function shownBatch(): SweepBatch<GalleryAsset> | undefined {
  return gridState && batches.find((batch) => batch.batchId === gridState!.batchId);
}

/** What the lightbox steps through: the grid page's images, or the cards'. */
function lightboxList(): readonly GalleryAsset[] {
  const batch = shownBatch();
  return batch ? pageImages(batch, gridState!) : visible();
}

/** The batch grid when one is picked (and still there), the cards otherwise. */
function render(): void {
  // a grid is laid out from all of its batch's images: wait for the rest of a listing (it follows at once)
  if (gridState && assets.length < total) return;
  const batch = shownBatch();
  renderBatchSelect();
  for (const node of [search, sortSelect, count, selection]) node.hidden = batch !== undefined;
  grid.hidden = batch !== undefined;
  sweepView.hidden = batch === undefined;
  document.body.classList.toggle('sweep-mode', batch !== undefined);
  if (!batch) {
    sweepView.replaceChildren();
    renderGrid();
    return;
  }
  const choose = (choice: GridChoice) => {
    gridState = { batchId: batch.batchId, rows: choice.rows, columns: choice.columns, page: choice.page && [...choice.page] };
    saveState();
    render();
  };
  sweepView.replaceChildren(
    sweepGrid(batch, gridState!, {
      view: (asset) => showLightbox(lightboxList, asset.uri, { request, show }),
      choose,
      saveContactSheet: (choice, status) =>
        request(
          {
            type: 'saveContactSheet',
            batchId: batch.batchId,
            rows: choice.rows ?? 0,
            columns: choice.columns,
            page: [...(choice.page ?? [])],
          },
          status,
        ),
    }),
  );
}

/** Cards already drawn, by image, with what they were drawn from: a card whose image and selection are unchanged is kept, not drawn again. */
const drawn = new Map<string, { readonly key: string; readonly node: HTMLElement }>();

function renderGrid(): void {
  const shown = visible();
  const picked = shown.filter((asset) => selected.has(asset.uri)).length;
  // until the rest of a listing has come, the count is of all its images
  const all = Math.max(total, assets.length);
  count.textContent = assets.length < all ? `${all} images` : `${shown.length} of ${all} image${all === 1 ? '' : 's'}`;
  compareButton.textContent = picked ? `Compare (${picked})` : 'Compare';
  compareButton.disabled = picked < 2;
  compareButton.title = picked < 2 ? 'Select two or more images to compare' : 'Compare the selected images side by side';
  clearButton.hidden = selected.size === 0;
  const handlers = {
    request,
    view: (asset: GalleryAsset) => showLightbox(lightboxList, asset.uri, { request, show }),
    show,
    select: (asset: GalleryAsset, on: boolean) => {
      if (on) selected.add(asset.uri);
      else selected.delete(asset.uri);
      renderGrid();
    },
  };
  const kept = new Set<string>();
  const cardOf = (asset: GalleryAsset) => {
    const key = `${selected.has(asset.uri)}${JSON.stringify(asset)}`;
    kept.add(asset.uri);
    const known = drawn.get(asset.uri);
    if (known?.key === key) return known.node;
    const node = card(asset, selected.has(asset.uri), handlers);
    drawn.set(asset.uri, { key, node });
    return node;
  };
  const cards = [...live.map(liveCard), ...shown.slice(0, cardsShown).map(cardOf)];
  for (const uri of drawn.keys()) if (!kept.has(uri)) drawn.delete(uri);
  const empty = !received
    ? 'Looking for images…'
    : assets.length
      ? 'No image matches the filter.'
      : 'No images yet. Run "Image Jobs: Generate Image" and results appear here.';
  const rest = shown.length - cardsShown;
  moreCards.textContent = rest > 0 ? `${rest} more as the list scrolls` : '';
  cardFocus.around(() =>
    grid.replaceChildren(
      ...(cards.length > 0 ? cards : [element('p', { className: 'empty', textContent: empty })]),
      ...(rest > 0 ? [moreCards] : []),
    ),
  );
  // observed anew: its first report says whether it is still near, so a tall view fills up page by page
  nearTheEnd.unobserve(moreCards);
  if (rest > 0) nearTheEnd.observe(moreCards);
}

/** A reply by the button that asked (on a card, the line above its buttons): its words, and Open when the host wrote a file (a contact sheet). */
function showReply(status: HTMLElement, message: Extract<HostToGalleryMessage, { type: 'reply' }>): void {
  status.replaceChildren(element('span', { className: 'reply-text', textContent: message.message }));
  status.classList.toggle('error', !message.ok);
  if (!message.ok || !message.file) return;
  const file = message.file;
  const opened = element('span', { className: 'reply-open' });
  const open = element('button', { type: 'button', className: 'link', textContent: 'Open', title: 'Open the saved file' });
  open.addEventListener('click', () => request({ type: 'open', uri: file }, opened));
  status.append(' ', open, ' ', opened);
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = readHostMessage(event.data);
  if (!message) return;
  if (message.type === 'assets' || message.type === 'moreAssets') {
    if (message.type === 'assets') {
      performance.mark('gallery-assets');
      received = true;
      update = message.update;
      total = message.total;
      assets = message.assets;
      live = message.live;
      sweepJobs = message.sweepJobs;
    } else if (message.update === update) {
      assets = [...assets, ...message.assets];
    } else return; // the rest of a listing a later one replaced
    batches = sweepBatches(assets, sweepJobs);
    if (assets.length >= total) {
      const known = new Set(assets.map((asset) => asset.uri));
      for (const uri of selected) if (!known.has(uri)) selected.delete(uri);
    }
    render();
    if (message.type === 'assets') performance.mark('gallery-rendered');
    refreshLightbox(lightboxList);
  } else if (message.type === 'restore') {
    restore(message.state);
  } else if (message.type === 'reply') {
    const status = pending.get(message.requestId);
    pending.delete(message.requestId);
    if (status) showReply(status, message);
  }
});

render();
// the sort, when the page has its own (a hidden or reloaded panel): the host sends the first screen first
vscode.postMessage({ type: 'ready', ...(saved ? { sort } : {}) });
