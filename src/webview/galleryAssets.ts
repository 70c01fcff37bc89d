// What the gallery shows: a card for each image on disk (from its sidecar), and the jobs of this
// window still on their way. Plain data in and out (no vscode), so it is unit-tested with node.
import { fullModelName, imageCount, isTerminal, type JobRecord } from '../core/jobModel';
import type { GalleryEntry } from '../core/results/galleryIndex';
import type { GalleryAsset, GalleryLiveJob } from '../shared/webviewProtocol';

/** A card for an indexed image; `src` is its webview URI, `path` how the workspace names it. */
export function galleryAsset(entry: GalleryEntry, src: string, path: string): GalleryAsset {
  return {
    uri: entry.imageUri,
    src,
    path,
    prompt: entry.prompt,
    negativePrompt: entry.negativePrompt,
    model: entry.model,
    provider: entry.provider,
    jobId: entry.jobId,
    seed: entry.seed,
    width: entry.width,
    height: entry.height,
    steps: entry.steps,
    cfgScale: entry.cfgScale,
    sampler: entry.sampler,
    createdAt: entry.createdAt,
    index: entry.index,
    sweep: entry.sweep,
  };
}

/** Jobs not yet finished, newest first: the live state job history adds to the files on disk. */
export function liveJobs(jobs: readonly JobRecord[]): GalleryLiveJob[] {
  return jobs
    .filter((job) => !isTerminal(job.status))
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((job) => ({
      jobId: job.id,
      prompt: job.request.prompt,
      model: fullModelName(job.request),
      status: job.status,
      count: imageCount(job.request.params),
    }));
}
