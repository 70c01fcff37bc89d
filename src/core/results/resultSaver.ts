// A finished job's outputs become files: each is downloaded (a few at a time), its type read from its
// bytes, its provenance written into the PNG and a JSON sidecar, under a name no other save takes.
// An attempt that fails is undone whole; this counts the attempts and says whether another is worth it
// (provider URLs expire: the job manager then polls again for fresh ones). A file its provider no
// longer serves fails the job at once, saying so (goneResult), unless a new look gives a new link.
import { appendSentence, describeError, isProviderError, ProviderError } from '../errors';
import { goneAt, goneResultMessage, isGoneFile, resultLifetimeOf } from './goneResult';
import { isPng, pngSize, withPngText } from './png';
import { a1111Parameters, buildProvenance } from './provenance';
import { ALLOWED_MIME_TYPES, extensionForMime, fillNameTemplate, uniqueFileName } from './assetNaming';
import type { JobError, JobRecord, ProviderId, SavedAsset } from '../jobModel';
import { ProviderGate } from '../providers/providerGate';
import type { ImageProvider, ProviderContext, RemoteOutput } from '../providers/types';

/** What the saver needs to reach a provider (the job manager's provider calls give it). */
export interface ProviderSource {
  access(providerId: ProviderId): Promise<{ provider: ImageProvider; context: ProviderContext }>;
  /** The window is closing: in-flight work ends without touching the disk. */
  readonly closed: boolean;
}

/** Where results go; paths are relative to an output root URI, with forward slashes. */
export interface AssetSink {
  exists(root: string, relativePath: string): Promise<boolean>;
  write(root: string, relativePath: string, bytes: Uint8Array): Promise<void>;
  /** Removes a file written by an attempt that did not finish. */
  remove(root: string, relativePath: string): Promise<void>;
}

export interface ResultSaverOptions {
  readonly maxDownloadBytes: number;
  /** How many times a failing download is tried in all (each retry after a fresh poll for fresh URLs). */
  readonly maxDownloadAttempts: number;
}

export type SaveOutcome =
  | { readonly kind: 'saved'; readonly assets: SavedAsset[] }
  /** Worth another attempt once a poll has fetched fresh result URLs. */
  | { readonly kind: 'retry'; readonly message: string; readonly attempts: number }
  | { readonly kind: 'failed'; readonly error: JobError }
  /** The engine closed meanwhile: the job is left as it is for the next window. */
  | { readonly kind: 'closed' };

const MAX_PARALLEL_DOWNLOADS = 4;

interface DownloadedFile {
  readonly bytes: Buffer;
  readonly mimeType: string;
}

/** How a download's failures begin: the HTTP helper names the step with it, so it is said once. */
const DOWNLOAD_STEP = 'Could not download the result';

/** A result file its provider no longer serves (404, 410): the output it was, and whose. */
class FileGone extends Error {
  constructor(
    readonly failure: ProviderError,
    readonly output: RemoteOutput,
    readonly provider: ImageProvider,
    readonly context: ProviderContext,
  ) {
    super(failure.message, { cause: failure });
  }
}

/** A failure writing a downloaded result, told apart from a failure downloading it. */
class SaveFailed extends Error {
  constructor(readonly failure: unknown) {
    super(describeError(failure), { cause: failure });
  }
}

export class ResultSaver {
  /** Results are held in memory until written: a few downloads at a time bound that, however many jobs finish together. */
  private readonly downloads = new ProviderGate({ maxInFlight: MAX_PARALLEL_DOWNLOADS });
  /** Files being saved right now: two jobs finishing together must not pick the same free name. */
  private readonly reservedPaths = new Set<string>();
  /** Failed attempts per job, until the job ends or starts over. */
  private readonly failedAttempts = new Map<string, number>();

  constructor(
    private readonly calls: ProviderSource,
    private readonly sink: AssetSink,
    private readonly options: ResultSaverOptions,
  ) {}

  /** Downloads every output at once (provider URLs expire) and saves it with its provenance. */
  async save(job: JobRecord, outputs: readonly RemoteOutput[]): Promise<SaveOutcome> {
    const assets: SavedAsset[] = [];
    try {
      const { provider, context } = await this.calls.access(job.request.providerId);
      for (const [index, output] of outputs.entries()) {
        await this.downloads.run('poll', async () => {
          const file = await this.fetchOutput(output, provider, context).catch((error: unknown) => {
            throw isGoneFile(error) ? new FileGone(error, output, provider, context) : error;
          });
          if (this.calls.closed) return;
          try {
            assets.push(await this.saveAsset(job, output, index, file));
          } catch (error) {
            throw new SaveFailed(error);
          }
        });
        if (this.calls.closed) return { kind: 'closed' };
      }
    } catch (caught) {
      if (this.calls.closed) return { kind: 'closed' };
      // the attempt is redone whole: drop what it had saved rather than leave orphans beside the retry
      await this.discard(job, assets);
      const attempts = (this.failedAttempts.get(job.id) ?? 0) + 1;
      this.failedAttempts.set(job.id, attempts);
      if (caught instanceof FileGone) return { kind: 'failed', error: goneFailure(job, caught) };
      const phase = caught instanceof SaveFailed ? 'save' : 'download';
      const error = caught instanceof SaveFailed ? caught.failure : caught;
      const retryable = isProviderError(error) ? error.retryable : false;
      const message = phase === 'save' ? `Could not save the result: ${describeError(error)}` : downloadFailure(error);
      if (retryable && attempts < this.options.maxDownloadAttempts) return { kind: 'retry', message, attempts };
      return { kind: 'failed', error: { message, phase, retryable: true } };
    }
    return { kind: 'saved', assets };
  }

  /** Removes files an attempt saved (images and sidecars); a file already gone is fine. */
  async discard(job: JobRecord, assets: readonly SavedAsset[]): Promise<void> {
    for (const asset of assets) {
      for (const path of [asset.path, asset.sidecarPath]) await this.sink.remove(job.output.root, path).catch(() => undefined);
    }
  }

  /** Drops the count of failed attempts (the job ended, or starts over). */
  forget(id: string): void {
    this.failedAttempts.delete(id);
  }

  private async fetchOutput(output: RemoteOutput, provider: ImageProvider, context: ProviderContext): Promise<DownloadedFile> {
    const { maxDownloadBytes } = this.options;
    if (output.kind === 'base64') {
      const bytes = Buffer.from(output.data, 'base64');
      if (bytes.length > maxDownloadBytes) throw new ProviderError('tooLarge', `image is over the ${maxDownloadBytes} byte limit`);
      return { bytes, mimeType: sniffMime(bytes) ?? output.mimeType ?? 'application/octet-stream' };
    }
    const sameOrigin = context.baseUrl !== '' && new URL(output.url).origin === new URL(context.baseUrl).origin;
    const file = await context.http.download(
      output.url,
      { maxBytes: maxDownloadBytes, headers: sameOrigin ? provider.downloadHeaders?.(context) : undefined, signal: context.signal },
      DOWNLOAD_STEP,
    );
    return { bytes: file.bytes, mimeType: sniffMime(file.bytes) ?? file.contentType };
  }

  private async saveAsset(job: JobRecord, output: RemoteOutput, index: number, file: DownloadedFile): Promise<SavedAsset> {
    const extension = extensionForMime(file.mimeType);
    if (!extension || !ALLOWED_MIME_TYPES.has(file.mimeType)) {
      throw new ProviderError('unsupported', `unsupported result type "${file.mimeType}"`);
    }
    const size = isPng(file.bytes) ? pngSize(file.bytes) : undefined;
    const provenance = buildProvenance(
      job,
      { seed: output.seed, width: size?.width ?? output.width, height: size?.height ?? output.height, index, remoteId: output.remoteId },
      Date.now(),
    );
    const bytes = isPng(file.bytes) ? withPngText(file.bytes, 'parameters', a1111Parameters(provenance)) : file.bytes;
    const base = fillNameTemplate(job.output.nameTemplate, {
      name: job.output.baseName,
      seed: provenance.seed,
      index,
      model: provenance.model,
      jobId: job.id,
      date: new Date(job.createdAt),
      sweep: job.sweep,
    });
    const folder = job.output.folder.replace(/\\/g, '/').replace(/^\.?\/+|\/+$/g, '');
    const prefix = folder ? `${folder}/` : '';
    const key = (name: string) => `${job.output.root}|${prefix}${name}`;
    // claim a name before asking the disk, so two saves in flight can never pick the same one
    const fileName = await uniqueFileName(base, extension, async (name) => {
      if (this.reservedPaths.has(key(name))) return true;
      this.reservedPaths.add(key(name));
      const taken = await this.sink.exists(job.output.root, prefix + name);
      if (taken) this.reservedPaths.delete(key(name));
      return taken;
    });
    try {
      const path = prefix + fileName;
      const sidecarPath = `${path.slice(0, -extension.length - 1)}.json`;
      await this.sink.write(job.output.root, path, bytes);
      await this.sink.write(job.output.root, sidecarPath, Buffer.from(`${JSON.stringify({ ...provenance, file: fileName }, null, 2)}\n`));
      return {
        path,
        sidecarPath,
        mimeType: file.mimeType,
        width: provenance.width,
        height: provenance.height,
        seed: provenance.seed,
        bytes: bytes.length,
        ...(output.remoteId ? { remoteId: output.remoteId } : {}),
      };
    } finally {
      this.reservedPaths.delete(key(fileName));
    }
  }
}

/**
 * A result file gone from its link: where a new look at the job names it afresh, Retry is worth it;
 * otherwise the same link would come back, and only Run Again (a new job) makes the image again.
 */
function goneFailure(job: JobRecord, gone: FileGone): JobError {
  const requestId = gone.failure.details.requestId;
  const origin = { kind: 'notFound' as const, ...(requestId ? { requestId } : {}) };
  if (gone.provider.renewsResultUrls) {
    return {
      message: appendSentence(downloadFailure(gone.failure), 'Retry looks at the job again for a new link.'),
      phase: 'download',
      retryable: true,
      ...origin,
    };
  }
  const message = goneResultMessage({
    ...goneAt(job.request.providerId),
    answer: withoutStep(describeError(gone.failure)),
    lifetimeMs: resultLifetimeOf(job, gone.provider, gone.context),
    expiresAt: gone.output.kind === 'url' ? gone.output.expiresAt : undefined,
    now: Date.now(),
  });
  return { message, phase: 'download', retryable: false, ...origin };
}

/** A download's failure, its step said once: the HTTP helper's errors already begin with it. */
function downloadFailure(error: unknown): string {
  const text = describeError(error);
  return text.startsWith(DOWNLOAD_STEP) ? text : `${DOWNLOAD_STEP}: ${text}`;
}

/** What the server said, without the step the HTTP helper's message begins with. */
function withoutStep(text: string): string {
  return text.startsWith(`${DOWNLOAD_STEP}: `) ? text.slice(DOWNLOAD_STEP.length + 2) : text;
}

/** The type the bytes say, over what the provider claims. */
function sniffMime(bytes: Uint8Array): string | undefined {
  if (isPng(bytes)) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP')
    return 'image/webp';
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'GIF8') return 'image/gif';
  if (Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp') return 'video/mp4';
  return undefined;
}
