// PhotoGPT images a user can upscale, picked from finished jobs. Apart from photogpt.ts so the
// command that offers them does not load the provider's zod schemas at activation.
import type { JobRecord } from '../jobModel';

export interface UpscalableImage {
  readonly imageId: string;
  readonly jobId: string;
  readonly prompt: string;
  readonly path: string;
  readonly finishedAt?: number;
}

/**
 * Images PhotoGPT made in finished jobs, newest first, with the id upscaling takes. Reads the id the
 * result saver keeps on each saved asset (`remoteId`, from RemoteOutput.remoteId).
 */
export function upscalableImages(jobs: Iterable<JobRecord>): UpscalableImage[] {
  const images: UpscalableImage[] = [];
  for (const job of jobs) {
    if (job.request.providerId !== 'photogpt' || job.status !== 'succeeded') continue;
    for (const asset of job.assets) {
      if (asset.remoteId && asset.mimeType.startsWith('image/'))
        images.push({ imageId: asset.remoteId, jobId: job.id, prompt: job.request.prompt, path: asset.path, finishedAt: job.finishedAt });
    }
  }
  return images.sort((a, b) => (b.finishedAt ?? 0) - (a.finishedAt ?? 0));
}
