// Provenance kept with every asset: the A1111 `parameters` text (read by most image tools) inside
// the PNG, and a JSON sidecar with everything, for any format.
import type { GenerationParams, JobRecord, JobSource, SweepCell } from '../jobModel';
import { fullModelName } from '../jobModel';
import { decodedSegment } from './uriSegments';

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
  /** Where the prompt came from: a workspace-relative path (`prompts/hello.prompt`) or a kind (provenanceSource). */
  readonly source?: string;
  /** The image this one was made from (an upscale from the gallery): the gallery shows the lineage. */
  readonly derivedFrom?: DerivedFrom;
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

/** Lineage of a derived image. Its own field: the job's `source` says where the prompt came from. */
export interface DerivedFrom {
  readonly operation: 'upscale';
  /** The source's file name, in the same folder (results are saved beside their source). */
  readonly file: string;
  /** Hex SHA-256 of the source's bytes as sent. */
  readonly sha256: string;
  /** The provider's id for the source, where it has one (PhotoGPT's imageID). */
  readonly remoteAssetId?: string;
}

function derivedFrom(job: JobRecord): DerivedFrom | undefined {
  const operation = job.request.operation;
  if (operation?.kind !== 'upscale' || !operation.source) return undefined;
  const { file, sha256, remoteAssetId } = operation.source;
  return { operation: 'upscale', file, sha256, ...(remoteAssetId ? { remoteAssetId } : {}) };
}

/**
 * A prompt file as a sidecar names it: its path relative to `root`, the workspace folder its images
 * are saved under, which is the folder holding the file (Generate saves there; in a multi-root
 * workspace each folder's sidecars are relative to that folder, so no folder name is needed and
 * none goes stale when folders are renamed). Sidecars get committed: an absolute path or URI
 * would leak the machine's paths (user names) and go stale when the folder moves. A file outside
 * `root` (no folder open, an untitled document) is named by its file name alone.
 */
export function relativeSourcePath(uri: string, root: string): string {
  const folder = root.endsWith('/') ? root : `${root}/`;
  if (root && uri.startsWith(folder)) return uri.slice(folder.length).split('/').map(decodedSegment).join('/');
  // outside the folder, or an untitled document (`untitled:Untitled-1`): the file name alone
  return decodedSegment(uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf(':')) + 1));
}

/** The sidecar's `source`: a prompt file's relative path (relativeSourcePath), else how the prompt came (`selection`, `input`, …). */
export function provenanceSource(source: JobSource, root: string): string {
  return source.kind === 'promptFile' ? relativeSourcePath(source.uri, root) : source.kind;
}

/** A URI, as older sidecars recorded a prompt file (`file:///…/prompts/hello.prompt`); a scheme has two letters or more, a drive one. */
const RECORDED_URI = /^[a-z][a-z0-9+.-]+:/i;

/**
 * A sidecar's `source` as it may be copied elsewhere (a contact sheet's sidecar): an older sidecar's
 * absolute URI becomes the path a new one records, relative to the workspace folder `folderOf` finds
 * holding it (the file name alone when none does); anything else is kept as written.
 */
export function normalizedSource(recorded: unknown, folderOf: (uri: string) => string | undefined): unknown {
  return typeof recorded === 'string' && RECORDED_URI.test(recorded) ? relativeSourcePath(recorded, folderOf(recorded) ?? '') : recorded;
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
    source: provenanceSource(job.source, job.output.root),
    derivedFrom: derivedFrom(job),
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
