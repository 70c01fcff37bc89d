// Provenance kept with every asset: the A1111 `parameters` text (read by most image tools) inside
// the PNG, and a JSON sidecar with everything, for any format.
import type { GenerationParams, JobRecord, SweepCell } from '../jobModel';
import { fullModelName } from '../jobModel';

/** The parameters recorded with an asset: all but `count` (each asset is one of them). */
export type ProvenanceParams = Omit<GenerationParams, 'count'>;

export interface Provenance extends ProvenanceParams {
  readonly generator: 'image-jobs';
  readonly version: 1;
  readonly prompt: string;
  readonly model: string;
  readonly provider: string;
  readonly jobId: string;
  readonly remoteJobId?: string;
  /** The provider's id for this image, where it has one (PhotoGPT: the id to upscale it by). */
  readonly remoteAssetId?: string;
  readonly source?: string;
  /**
   * The job's place in its sweep, when it is one of a batch: the batch id, the swept keys in the
   * order written, this image's value of each, its coordinates and the sweep's shape (a grid of the
   * batch can be laid out from the sidecars alone).
   */
  readonly sweep?: SweepCell;
  readonly index: number;
  readonly createdAt: string;
  readonly completedAt: string;
}

export function buildProvenance(
  job: JobRecord,
  output: { seed?: number; width?: number; height?: number; index: number; remoteId?: string },
  completedAt: number,
): Provenance {
  const { request } = job;
  return {
    generator: 'image-jobs',
    version: 1,
    prompt: request.prompt,
    negativePrompt: request.params.negativePrompt,
    model: fullModelName(request),
    provider: request.providerId,
    seed: output.seed ?? request.params.seed,
    width: output.width ?? request.params.width,
    height: output.height ?? request.params.height,
    steps: request.params.steps,
    cfgScale: request.params.cfgScale,
    sampler: request.params.sampler,
    jobId: job.id,
    remoteJobId: job.remoteId,
    remoteAssetId: output.remoteId,
    source: job.source.kind === 'promptFile' ? job.source.uri : job.source.kind,
    sweep: job.sweep,
    index: output.index,
    createdAt: new Date(job.createdAt).toISOString(),
    completedAt: new Date(completedAt).toISOString(),
  };
}

/** `{prompt}\nNegative prompt: {neg}\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 123, Size: 512x512, Model: …` */
export function a1111Parameters(provenance: Provenance): string {
  const fields: string[] = [];
  if (provenance.steps !== undefined) fields.push(`Steps: ${provenance.steps}`);
  if (provenance.sampler) fields.push(`Sampler: ${provenance.sampler}`);
  if (provenance.cfgScale !== undefined) fields.push(`CFG scale: ${provenance.cfgScale}`);
  if (provenance.seed !== undefined) fields.push(`Seed: ${provenance.seed}`);
  if (provenance.width && provenance.height) fields.push(`Size: ${provenance.width}x${provenance.height}`);
  fields.push(`Model: ${provenance.model}`);
  const lines = [provenance.prompt];
  if (provenance.negativePrompt) lines.push(`Negative prompt: ${provenance.negativePrompt}`);
  lines.push(fields.join(', '));
  return lines.join('\n');
}
