// The webview's reading of what the host posts. The host is trusted, but a message is checked for the
// shape the page relies on before it is used, as the host checks the page's (galleryMessages.ts):
// a message of another shape (another version of the extension, a bug) is dropped, not half-rendered.
// No zod here: this runs in the webview bundle.
import type { GalleryKeptState, HostToGalleryMessage } from './webviewProtocol';
import { isSort } from './galleryView';

const MAX_URI = 8192;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isIndex = (value: unknown, max: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max;

/** The kept sort and grid, each part dropped on its own when it is of another shape (another version wrote it). */
function readKeptState(data: unknown): GalleryKeptState | undefined {
  if (!isRecord(data)) return undefined;
  const sort = isSort(data.sort) ? { sort: data.sort } : {};
  const grid = data.grid;
  if (!isRecord(grid) || typeof grid.batchId !== 'string' || grid.batchId.length === 0 || grid.batchId.length > 200) return sort;
  const axis = (value: unknown) => (isIndex(value, 64) ? value : undefined);
  const page =
    Array.isArray(grid.page) && grid.page.length <= 64 && grid.page.every((index) => isIndex(index, 100_000))
      ? (grid.page as number[])
      : undefined;
  const rows = axis(grid.rows);
  const columns = axis(grid.columns);
  return {
    ...sort,
    grid: {
      batchId: grid.batchId,
      ...(rows === undefined ? {} : { rows }),
      ...(columns === undefined ? {} : { columns }),
      ...(page ? { page: [...page] } : {}),
    },
  };
}

/** A list of records, each an image with the strings a card is keyed and drawn by. */
function isAssetList(list: unknown): boolean {
  return (
    Array.isArray(list) &&
    list.every(
      (asset) => isRecord(asset) && typeof asset.uri === 'string' && typeof asset.src === 'string' && typeof asset.path === 'string',
    )
  );
}

export function readHostMessage(data: unknown): HostToGalleryMessage | undefined {
  if (!isRecord(data)) return undefined;
  if (data.type === 'assets') {
    const lists = [data.live, data.sweepJobs];
    if (!isAssetList(data.assets) || !lists.every((list) => Array.isArray(list) && list.every(isRecord))) return undefined;
    if (!isIndex(data.update, Number.MAX_SAFE_INTEGER) || !isIndex(data.total, Number.MAX_SAFE_INTEGER)) return undefined;
    if ((data.assets as unknown[]).length > data.total) return undefined;
    return data as unknown as HostToGalleryMessage;
  }
  if (data.type === 'moreAssets') {
    if (!isAssetList(data.assets) || !isIndex(data.update, Number.MAX_SAFE_INTEGER)) return undefined;
    return data as unknown as HostToGalleryMessage;
  }
  if (data.type === 'restore') {
    const state = readKeptState(data.state);
    return state ? { type: 'restore', state } : undefined;
  }
  if (data.type === 'reply') {
    const { requestId, ok, message, file } = data;
    if (!Number.isSafeInteger(requestId) || typeof ok !== 'boolean' || typeof message !== 'string') return undefined;
    if (file !== undefined && (typeof file !== 'string' || file.length === 0 || file.length > MAX_URI)) return undefined;
    return { type: 'reply', requestId: requestId as number, ok, message, ...(file === undefined ? {} : { file }) };
  }
  return undefined;
}
