// The gallery webview: renders the assets the host sends, asks the host to insert/open/copy.
// DOM is built with textContent only, so nothing from a prompt is ever parsed as HTML.
import type {
  GalleryAsset,
  GalleryRequest,
  GalleryToHostMessage,
  GalleryUiState,
  HostToGalleryMessage,
} from '../../src/shared/webviewProtocol';
import { assetRequest } from '../../src/shared/galleryRequests';

interface VsCodeApi {
  postMessage(message: GalleryToHostMessage): void;
  getState(): GalleryUiState | undefined;
  setState(state: GalleryUiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let assets: readonly GalleryAsset[] = [];
let filter = vscode.getState()?.filter ?? '';
let nextRequestId = 1;
const pending = new Map<number, HTMLElement>();

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function request(body: GalleryRequest, status: HTMLElement): void {
  const requestId = nextRequestId++;
  pending.set(requestId, status);
  status.textContent = '…';
  vscode.postMessage({ ...body, requestId });
}

function describe(asset: GalleryAsset): string[] {
  const parts = [asset.model];
  if (asset.width && asset.height) parts.push(`${asset.width}×${asset.height}`);
  if (asset.seed !== undefined) parts.push(`seed ${asset.seed}`);
  if (asset.steps !== undefined) parts.push(`${asset.steps} steps`);
  if (asset.cfgScale !== undefined) parts.push(`CFG ${asset.cfgScale}`);
  if (asset.sampler) parts.push(asset.sampler);
  return parts;
}

function card(asset: GalleryAsset): HTMLElement {
  const status = element('span', { className: 'status', role: 'status' });
  const button = (label: string, title: string, body: GalleryRequest) => {
    const node = element('button', { type: 'button', textContent: label, title });
    node.addEventListener('click', () => request(body, status));
    return node;
  };
  const image = element('img', { src: asset.src, alt: asset.prompt, loading: 'lazy', title: 'Open' });
  // reserve the image's own aspect ratio before it loads, so the grid does not jump
  if (asset.width && asset.height) Object.assign(image, { width: asset.width, height: asset.height });
  image.addEventListener('click', () => request(assetRequest('open', asset), status));
  const details = [element('p', { className: 'prompt', textContent: asset.prompt })];
  if (asset.negativePrompt) details.push(element('p', { className: 'negative', textContent: `Negative: ${asset.negativePrompt}` }));
  return element('article', { className: 'card' }, [
    image,
    element('div', { className: 'details' }, [
      ...details,
      element('p', { className: 'meta', textContent: describe(asset).join(' · ') }),
      element('p', { className: 'path', textContent: asset.path }),
      element('div', { className: 'actions' }, [
        button('Insert', 'Insert a reference at the cursor of the last editor', assetRequest('insert', asset)),
        button('Open', 'Open the image', assetRequest('open', asset)),
        button('Copy prompt', 'Copy the prompt', { type: 'copyPrompt', jobId: asset.jobId }),
        button('Reveal', 'Reveal in the Explorer', assetRequest('reveal', asset)),
        status,
      ]),
    ]),
  ]);
}

function render(): void {
  const search = element('input', { type: 'search', placeholder: 'Filter by prompt, model or file', value: filter, ariaLabel: 'Filter' });
  search.addEventListener('input', () => {
    filter = search.value;
    vscode.setState({ filter });
    renderGrid();
  });
  const header = element('header', {}, [
    element('h1', { textContent: 'Image Jobs Gallery' }),
    search,
    element('span', { className: 'count', id: 'count' }),
  ]);
  const grid = element('section', { className: 'grid', id: 'grid' });
  app.replaceChildren(header, grid);
  renderGrid();
  function renderGrid(): void {
    const current = filter.trim().toLowerCase();
    const visible = current
      ? assets.filter((asset) => `${asset.prompt} ${asset.model} ${asset.path}`.toLowerCase().includes(current))
      : assets;
    document.getElementById('count')!.textContent = `${visible.length} of ${assets.length} image${assets.length === 1 ? '' : 's'}`;
    grid.replaceChildren(
      ...(visible.length > 0
        ? visible.map(card)
        : [
            element('p', {
              className: 'empty',
              textContent: assets.length
                ? 'No image matches the filter.'
                : 'No images yet. Run "Image Jobs: Generate Image" and results appear here.',
            }),
          ]),
    );
  }
}

window.addEventListener('message', (event: MessageEvent<HostToGalleryMessage>) => {
  const message = event.data;
  if (message.type === 'assets') {
    assets = message.assets;
    render();
  } else if (message.type === 'reply') {
    const status = pending.get(message.requestId);
    pending.delete(message.requestId);
    if (status) {
      status.textContent = message.message;
      status.classList.toggle('error', !message.ok);
    }
  }
});

render();
vscode.postMessage({ type: 'ready' });
