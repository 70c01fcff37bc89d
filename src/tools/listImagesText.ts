// What imageJobs_listImages finds and says: the gallery's images (from their sidecars), filtered and
// described with their parameters as the gallery compares them. Plain data (no vscode), unit-tested.
import { COMPARED, matchesFilter, sortAssets } from '../shared/galleryView';
import type { GalleryAsset } from '../shared/webviewProtocol';

export interface ImageQuery {
  /** Every word must appear in the prompt, negative prompt, model, seed, sampler or path (as the gallery's filter). */
  readonly query?: string;
  /** `provider/model`, or a provider alone. */
  readonly model?: string;
  readonly limit?: number;
}

export const DEFAULT_LIMIT = 20;

function modelMatches(asset: GalleryAsset, model: string): boolean {
  const wanted = model.toLowerCase();
  const have = asset.model.toLowerCase();
  return have === wanted || have.startsWith(`${wanted}/`) || asset.provider?.toLowerCase() === wanted;
}

/** Newest first; `matched` counts every match, `shown` is at most `limit` of them. */
export function selectImages(assets: readonly GalleryAsset[], query: ImageQuery): { shown: GalleryAsset[]; matched: number } {
  const model = query.model?.trim();
  const matching = sortAssets(assets, 'newest').filter(
    (asset) => matchesFilter(asset, query.query ?? '') && (!model || modelMatches(asset, model)),
  );
  return { shown: matching.slice(0, query.limit ?? DEFAULT_LIMIT), matched: matching.length };
}

/** "Model: sandbox/landscape; Seed: 7; Size: 256×192; …": the parameters the gallery compares. */
function parameters(asset: GalleryAsset): string {
  return COMPARED.filter((row) => !['prompt', 'negativePrompt', 'path'].includes(row.key))
    .map((row) => [row.label, row.value(asset)] as const)
    .filter(([, value]) => value)
    .map(([label, value]) => `${label}: ${value}`)
    .join('; ');
}

export function imagesText(
  shown: readonly { readonly asset: GalleryAsset; readonly reference: string }[],
  counts: { readonly matched: number; readonly total: number },
  referencesRelativeTo: string,
): string {
  if (shown.length === 0) {
    const what = counts.total === 0 ? 'The gallery has no images yet.' : `None of the gallery's ${counts.total} images match.`;
    return `${what} Call imageJobs_generate to make one, or call imageJobs_listImages with other words.`;
  }
  const images = `${shown.length} image${shown.length === 1 ? '' : 's'}`;
  const heading =
    counts.matched > shown.length ? `The newest ${shown.length} of ${counts.matched} matching images` : `${images}, newest first`;
  const lines = [`${heading} (${counts.total} in the gallery):`];
  for (const [index, { asset, reference }] of shown.entries()) {
    lines.push(`${index + 1}. ${asset.path} (${asset.createdAt ? new Date(asset.createdAt).toISOString() : 'date unknown'})`);
    lines.push(`   Prompt: ${asset.prompt}`);
    if (asset.negativePrompt) lines.push(`   Negative prompt: ${asset.negativePrompt}`);
    lines.push(`   ${parameters(asset)}`);
    lines.push(`   Reference (relative to ${referencesRelativeTo}): ${reference}`);
  }
  return lines.join('\n');
}
