// The job record every part of the extension shares. Plain data, so it can be persisted as JSON
// (a line of the jobs journal) and survive a window reload.
import type { GenerationParams, SweepCell } from './generationParams';
import type { ProviderErrorKind } from './errors';

/** Defined with its schema; a type-only import, so zod stays out of the activation bundle. */
export type { GenerationParams, SweepCell };

export type ProviderId = 'sandbox' | 'serika' | 'tams' | 'bifrost' | 'photogpt' | 'submodel';

/** An image a job starts from (an upscale from the gallery): where it is and what it was when picked. */
export interface SourceImage {
  /** URI of the image file. */
  readonly uri: string;
  /** Its file name: results are saved beside it, and their sidecars name it by this. */
  readonly file: string;
  /** Hex SHA-256 of its bytes when the job was made: a changed file is refused, not silently used. */
  readonly sha256: string;
  /** The provider's id for it, where it has one (PhotoGPT upscales by it). */
  readonly remoteAssetId?: string;
}

/**
 * What the job makes; absent means images from a prompt. An upscale names the image by the provider's
 * id (PhotoGPT), by its file (the Sandbox, which is sent the bytes), or both (from the gallery).
 */
export type JobOperation =
  { readonly kind: 'video' } | { readonly kind: 'upscale'; readonly imageId?: string; readonly source?: SourceImage };

/** Images a job asks for: what the user set, or one. */
export function imageCount(params: GenerationParams): number {
  return params.count ?? 1;
}

export interface GenerationRequest {
  readonly providerId: ProviderId;
  /** Model name without the provider prefix. */
  readonly model: string;
  readonly prompt: string;
  readonly params: GenerationParams;
  readonly operation?: JobOperation;
}

export type JobSource =
  | { readonly kind: 'promptFile'; readonly uri: string }
  | { readonly kind: 'selection'; readonly uri?: string }
  | { readonly kind: 'input' }
  | { readonly kind: 'script' }
  /** A chat agent, through the imageJobs_generate tool: the chat shows its progress and gets its result. */
  | { readonly kind: 'agent' };

export interface OutputTarget {
  /** URI of the folder results are saved under (the workspace folder). */
  readonly root: string;
  /** Folder relative to `root`. */
  readonly folder: string;
  /** File name template without extension. */
  readonly nameTemplate: string;
  /** Value of `{{name}}`: the prompt file name, or words from the prompt. */
  readonly baseName: string;
}

export interface SavedAsset {
  /** Path of the image relative to the output root, with forward slashes. */
  readonly path: string;
  /** Workspace-relative path of the JSON provenance sidecar. */
  readonly sidecarPath: string;
  readonly mimeType: string;
  readonly width?: number;
  readonly height?: number;
  readonly seed?: number;
  readonly bytes: number;
  /** The provider's own id for this image, where it has one (PhotoGPT upscales by it). */
  readonly remoteId?: string;
}

export interface JobError {
  readonly message: string;
  /** Where it went wrong: submitting, polling, downloading or saving. */
  readonly phase: 'submit' | 'poll' | 'download' | 'save' | 'provider';
  /** Retrying the same step may succeed (network fault, 5xx, rate limit, poll after a fixed key). */
  readonly retryable: boolean;
  /** What kind of provider failure it was, when it was one: lets the toast offer the fix ("Set API Key"). */
  readonly kind?: ProviderErrorKind;
  /** The provider's id for the failed request, for the log and its support. */
  readonly requestId?: string;
  /** The network error's code (ENOTFOUND…), when it was one: a host not found points at the base URL setting. */
  readonly code?: string;
  /**
   * A submission that failed after it may have reached the provider (no answer, a 5xx, an unreadable
   * one, the window closing while it was on its way): the provider may have the job, so sending it
   * again may make a second one (jobs/sendAgain.ts).
   */
  readonly mayExist?: true;
}

/**
 * Lifecycle: submitting → queued ⇄ running → downloading → succeeded,
 * or any non-terminal state → failed | cancelled | expired.
 */
export type JobStatus = 'submitting' | 'queued' | 'running' | 'downloading' | 'succeeded' | 'failed' | 'cancelled' | 'expired';

export interface JobRecord {
  /** Local id, created before submission so the job is recorded even if submission dies half-way. */
  readonly id: string;
  /** Sent to providers that support idempotent submission, so a retried submit never creates a second job. */
  readonly idempotencyKey: string;
  readonly request: GenerationRequest;
  readonly source: JobSource;
  readonly output: OutputTarget;
  /** Set when the job is one cell of a `.prompt` file's sweep: its batch, and its place in it. */
  readonly sweep?: SweepCell;
  /** A sweep's cell: when its batch was recorded. A retry carries it, so the batch keeps its time once its first cells are cleared. */
  readonly batchCreatedAt?: number;
  readonly createdAt: number;
  readonly status: JobStatus;
  /** Provider's job id, persisted the moment the provider returns it. */
  readonly remoteId?: string;
  /**
   * How long its provider keeps the result, as it applied when the job was sent (Bifrost: the TTL then
   * set), recorded with remoteId. Absent on records from before: they read the provider's settings now.
   */
  readonly resultLifetimeMs?: number;
  readonly updatedAt: number;
  readonly startedAt?: number;
  /** When the provider was first seen to have the result (before the download): how long such jobs take. */
  readonly resultAt?: number;
  /** How long the job ran, where the provider says (SubModel's executionTime): a duration without the lag before it was seen. */
  readonly runMs?: number;
  readonly finishedAt?: number;
  /** 0..1 while running, when the provider reports it. */
  readonly progress?: number;
  /** 1-based position in the provider's queue, when reported. */
  readonly queuePosition?: number;
  readonly queueLength?: number;
  /** Cost the provider reports (TAMS credits). */
  readonly credits?: number;
  readonly assets: readonly SavedAsset[];
  readonly error?: JobError;
  /** Latest transient problem (e.g. a 503 while polling) that did not end the job. */
  readonly warning?: string;
  /**
   * Cancelled here only: its provider has no cancel endpoint, so the job may still run there (and be
   * charged); set when the job had reached the provider, or was on its way to it.
   */
  readonly cancelledLocally?: true;
  /**
   * Cancelled while its submission was on its way (or an earlier attempt of it may have arrived), the
   * provider's id not back: the provider may have it. A Retry asks before sending it again, unless the
   * provider takes the idempotency key, which then goes again (jobs/sendAgain.ts). Not set on a job
   * never sent (a sweep's cell waiting its turn, a submission waiting out a 429).
   */
  readonly cancelledWhileSending?: true;
  /**
   * Set while a submission is not sent yet and waits: for a time, with an end to show (a back-off after a
   * failed attempt, a 429's Retry-After: `until`), or for its turn, with none (a sweep's cells behind the
   * one being sent, recorded in the batch's write; room at its provider: its calls in flight, its
   * requests a second). Written to disk when the wait starts and removed, on disk too, just before the
   * request goes, so a reload that finds it sends the job rather than doubting it: every earlier attempt
   * was refused or never left, unless its provider takes an idempotency key, where a repeat is harmless
   * anyway. Never written on a submission that does not wait.
   */
  readonly waitingToSend?: SendWait | TurnWait;
}

/** A wait before sending with an end to show. */
export interface SendWait {
  /** When the request is sent again (ms since epoch). */
  readonly until: number;
  /** Why it waits, for the user: "Rate limited by Serika", or what the last attempt ran into. */
  readonly reason: string;
  /** The provider refused with 429, this job's request or another one: it waits for the provider's Retry-After. */
  readonly rateLimited: boolean;
}

/** A wait for its turn: no end, nothing to say but "waiting to send". */
export interface TurnWait {
  readonly until?: undefined;
  readonly reason?: undefined;
  readonly rateLimited?: undefined;
}

export const WAITING_ITS_TURN: TurnWait = Object.freeze({});

/** The wait with an end a submission shows (why, until when), if it waits for one rather than its turn. */
export function sendWaitOf(job: Pick<JobRecord, 'waitingToSend'>): SendWait | undefined {
  const wait = job.waitingToSend;
  return wait?.until === undefined ? undefined : wait;
}

/** Not sent yet, waiting its turn: no end to show. */
export function waitsItsTurn(job: Pick<JobRecord, 'waitingToSend'>): boolean {
  return job.waitingToSend !== undefined && job.waitingToSend.until === undefined;
}

/** A submission's state in words: held back by a rate limit, waiting its turn (or room at its provider), or on its way. */
export function submittingWord(job: Pick<JobRecord, 'waitingToSend'>): 'rate limited' | 'waiting to send' | 'submitting' {
  if (job.waitingToSend?.rateLimited) return 'rate limited';
  return waitsItsTurn(job) ? 'waiting to send' : 'submitting';
}

/** "Rate limited by Serika: sending again at 15:04:10": what a waiting submission shows. */
export function sendWaitText(wait: SendWait): string {
  return `${wait.reason}: sending again at ${formatClock(wait.until)}`;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['succeeded', 'failed', 'cancelled', 'expired']);

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL.has(status);
}

/** Statuses in which the provider is still working and the job must be polled. */
export function needsPolling(job: JobRecord): boolean {
  return (job.status === 'queued' || job.status === 'running') && job.remoteId !== undefined;
}

export function isCancelable(job: JobRecord): boolean {
  return !isTerminal(job.status);
}

/**
 * The job's result file was gone when it was downloaded (a 404 or 410, most likely expired) and a new
 * look at the job would give the same link: only a new job makes the image again.
 */
export function isResultGone(error: JobError | undefined): boolean {
  return error?.phase === 'download' && error.kind === 'notFound' && !error.retryable;
}

/**
 * Only a new job can make the image again: the provider no longer has the job (a 404 on its status
 * ends it `expired`: the provider removed it, so sending it anew cannot make a second one), or its
 * result file is gone. Its toast offers Run Again, and Retry submits it anew.
 */
export function needsNewJob(job: JobRecord): boolean {
  return job.status === 'expired' || isResultGone(job.error);
}

/** A job can be retried when it ended without a result, or its result could not be saved. */
export function isRetryable(job: JobRecord): boolean {
  return job.status === 'failed' || job.status === 'cancelled' || job.status === 'expired';
}

/** What a job makes, as the Jobs view names it: the prompt, after the image an upscale starts from. */
export function requestTitle(request: GenerationRequest): string {
  const source = request.operation?.kind === 'upscale' ? request.operation.source : undefined;
  return source ? `Upscale of ${source.file} · ${request.prompt}` : request.prompt;
}

export function fullModelName(request: GenerationRequest): string {
  return `${request.providerId}/${request.model}`;
}

export function elapsedMs(job: JobRecord, now: number): number {
  return (job.finishedAt ?? now) - job.createdAt;
}

/**
 * A moment as the clock on the wall reads it, local time, 24-hour whatever the locale: "15:04:10", or
 * "15:04" without seconds. The one clock of the extension and the gallery, so their times match.
 */
export function formatClock(at: number, { seconds = true }: { readonly seconds?: boolean } = {}): string {
  const time = new Date(at);
  const parts = [time.getHours(), time.getMinutes(), ...(seconds ? [time.getSeconds()] : [])];
  return parts.map((part) => String(part).padStart(2, '0')).join(':');
}

/** "0:07", "2:05", "1:02:09". */
export function formatElapsed(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

const UNITS = [
  [86_400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
] as const;

/**
 * A span of time in a sentence: "45 seconds", "90 seconds", "10 minutes", "about 3 minutes", "about 1 hour"
 * (from 57 minutes), "7 days". In the largest unit it is a whole number of, reaches twice or nearly
 * reaches (95%), so that "about" is never off by more than a quarter ("about 1 minute" would hide a third
 * of 89 s); whole seconds rounded up, so that a wait never reads shorter than it is.
 */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const [size, name] = UNITS.find(([unit]) => readsWellIn(seconds, unit)) ?? UNITS[UNITS.length - 1]!;
  const count = Math.round(seconds / size);
  return `${seconds % size === 0 ? '' : 'about '}${count} ${name}${count === 1 ? '' : 's'}`;
}

/** A whole number of the unit, at least two of it (rounding off a quarter at most), or nearly one. */
function readsWellIn(seconds: number, unit: number): boolean {
  return (seconds >= unit && seconds % unit === 0) || seconds >= 2 * unit || (seconds >= 0.95 * unit && seconds < unit);
}
