// Runs jobs end to end: record → submit → poll → download → save. The job is persisted before it is
// submitted and again the moment the provider returns its id, so a crash or reload never loses it.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { describeError, isProviderError, ProviderError } from './errors';
import type { Disposable } from './events';
import { isPng, pngSize, withPngText } from './png';
import { a1111Parameters, buildProvenance } from './provenance';
import { ALLOWED_MIME_TYPES, extensionForMime, fillNameTemplate, uniqueFileName } from './assetNaming';
import { isTerminal, needsPolling, type GenerationRequest, type JobError, type JobRecord, type JobSource, type OutputTarget, type SavedAsset } from './jobModel';
import type { JobStore } from './jobStore';
import { DurationHistory } from './durationHistory';
import { validateRequest } from './generationPlan';
import { DEFAULT_POLL_POLICY, estimateFromProgress, nextPollDelay, type PollPolicyOptions } from './pollPolicy';
import { PollScheduler } from './pollScheduler';
import { providerInfo } from './providers/catalog';
import { PROVIDER_LIMITS, ProviderGate, type CallKind, type ProviderLimits } from './providerGate';
import type { JobLeases } from './jobLeases';
import type { ImageProvider, ProviderContext, RemoteJobState, RemoteOutput } from './providers/types';
import type { ProviderId } from './jobModel';

export interface ProviderAccess {
  /** Resolves the provider and what it needs to talk to it (base URL, key); throws with a user-facing message. */
  (providerId: ProviderId): Promise<{ provider: ImageProvider; context: ProviderContext }>;
}

/** Where results go; paths are relative to an output root URI, with forward slashes. */
export interface AssetSink {
  exists(root: string, relativePath: string): Promise<boolean>;
  write(root: string, relativePath: string, bytes: Uint8Array): Promise<void>;
  /** Removes a file written by an attempt that did not finish. */
  remove(root: string, relativePath: string): Promise<void>;
}

export interface JobLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface JobManagerOptions {
  /** Read at each scheduling, so settings changes apply to the next poll. */
  readonly pollPolicy?: () => PollPolicyOptions;
  readonly maxConcurrentPolls?: number;
  /** A job still unfinished after this long is failed (its id stays in the record). */
  readonly maxJobAgeMs?: number;
  readonly maxDownloadBytes?: number;
  /** How many times a failing download is retried (each with a fresh poll for fresh URLs). */
  readonly maxDownloadAttempts?: number;
  readonly maxSubmitAttempts?: number;
  /** Answers in a row the provider's documents do not describe before a job is given up (README). */
  readonly maxUnexpectedAnswers?: number;
  readonly random?: () => number;
  /** Overrides the documented per-provider limits (benchmarks, tests). */
  readonly providerLimits?: Partial<Record<ProviderId, ProviderLimits>>;
  /** Shared with other windows on the same workspace, so one of them tracks each job. */
  readonly leases?: JobLeases;
}

const MAX_PARALLEL_DOWNLOADS = 4;

/** How soon a window that does not hold a job's lease looks again. */
const LEASE_RECHECK_MS = 10_000;

const DEFAULTS = {
  // per-provider caps live in the gates; this only bounds the scheduler as a whole
  maxConcurrentPolls: 64,
  maxJobAgeMs: 60 * 60 * 1000,
  maxDownloadBytes: 50 * 1024 * 1024,
  maxDownloadAttempts: 4,
  maxSubmitAttempts: 3,
  maxUnexpectedAnswers: 3,
};

/**
 * Failures that happen before a request leaves this machine: the provider cannot have the job, so a
 * submission may be repeated whatever the provider (no idempotency key needed).
 */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT']);

/** What a failed submission means for the job at the provider. */
type SubmitOutcome =
  /** nothing reached the provider: safe to send again */
  | 'notSent'
  /** the provider answered and refused it (4xx, 429): it has no job */
  | 'refused'
  /** it may have the job (5xx, reset, timeout) */
  | 'unknown'
  /** it answered 2xx with something unreadable: it probably has the job, and we lack its id */
  | 'unreadable';

function submitOutcome(error: unknown): SubmitOutcome {
  if (!isProviderError(error)) return 'refused'; // thrown before sending (access, validation)
  if (error.kind === 'malformed') return 'unreadable';
  if (error.kind === 'network' && error.details.code && NOT_SENT_CODES.has(error.details.code)) return 'notSent';
  if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server') return 'unknown';
  return 'refused';
}

/** Joins a sentence to a message that may already end with its own punctuation. */
function then(message: string, sentence: string): string {
  return `${message}${/[.?!]$/.test(message) ? '' : '.'} ${sentence}`;
}

interface PollMemory {
  /** A poll has been answered (or failed) since this window took the job. */
  looked?: boolean;
  consecutiveErrors: number;
  /** Answers in a row that the provider's documents do not describe. */
  unexpectedAnswers: number;
  downloadAttempts: number;
  retryAfterMs?: number;
  etaMs?: number;
  etaUncertainty?: number;
  /** First progress seen while running, to estimate the finish from the rate of progress. */
  progressStart?: { at: number; progress: number };
}

export class JobManager implements Disposable {
  private readonly scheduler: PollScheduler;
  private readonly memory = new Map<string, PollMemory>();
  /** Jobs inside a batch poll right now, so a concurrent batch does not poll them again. */
  private readonly batched = new Set<string>();
  /** Files being saved right now: two jobs finishing together must not pick the same free name. */
  private readonly reservedPaths = new Set<string>();
  private focused = true;
  /** Set by dispose(): in-flight work ends without touching the store or the disk (a closing window). */
  private disposed = false;
  private readonly abort = new AbortController();
  /** Results are held in memory until written: a few downloads at a time bound that, however many jobs finish together. */
  private readonly downloads = new ProviderGate({ maxInFlight: MAX_PARALLEL_DOWNLOADS });
  private readonly options: Required<Omit<JobManagerOptions, 'pollPolicy' | 'random' | 'providerLimits' | 'leases'>> & Pick<JobManagerOptions, 'pollPolicy' | 'providerLimits' | 'leases'>;
  private readonly gates = new Map<ProviderId, ProviderGate>();
  private readonly random: () => number;
  private readonly durations: DurationHistory;

  private readonly access: ProviderAccess;

  constructor(
    private readonly store: JobStore,
    access: ProviderAccess,
    private readonly sink: AssetSink,
    private readonly log: JobLogger,
    options: JobManagerOptions = {},
  ) {
    this.access = async (providerId) => {
      if (this.disposed) throw new Error('the job manager is closed');
      const resolved = await access(providerId);
      return { provider: resolved.provider, context: { ...resolved.context, signal: this.abort.signal } };
    };
    // every request of this manager listens to the one abort signal: many at once is expected
    setMaxListeners(Infinity, this.abort.signal);
    this.options = { ...DEFAULTS, ...options };
    this.random = options.random ?? Math.random;
    this.durations = DurationHistory.fromJobs(store.values());
    this.scheduler = new PollScheduler((id) => this.pollOnce(id), { maxConcurrent: this.options.maxConcurrentPolls });
  }

  private gate(providerId: ProviderId): ProviderGate {
    let gate = this.gates.get(providerId);
    if (!gate) this.gates.set(providerId, (gate = new ProviderGate(this.options.providerLimits?.[providerId] ?? PROVIDER_LIMITS[providerId])));
    return gate;
  }

  /** Runs a provider call through its gate; a 429 pauses the whole provider for its Retry-After. */
  private async call<T>(providerId: ProviderId, kind: CallKind, request: () => Promise<T>): Promise<T> {
    try {
      return await this.gate(providerId).run(kind, request);
    } catch (error) {
      if (isProviderError(error) && error.kind === 'rateLimited') this.gate(providerId).pause(error.details.retryAfterMs ?? 1000);
      throw error;
    }
  }

  /** Picks up jobs left unfinished by a previous window. */
  resume(): void {
    for (const job of this.store.all()) {
      if (job.status === 'submitting') void this.resumeSubmission(job);
      else if (needsPolling(job) || job.status === 'downloading') this.scheduler.schedule(job.id, 0);
    }
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
  }

  /** Records the job, then submits it; resolves with the job id once the job is recorded and submitted (or failed). */
  async submit(request: GenerationRequest, source: JobSource, output: OutputTarget): Promise<string> {
    const now = Date.now();
    const job: JobRecord = {
      id: randomUUID(),
      idempotencyKey: randomUUID(),
      request,
      source,
      output,
      createdAt: now,
      updatedAt: now,
      status: 'submitting',
      assets: [],
    };
    await this.store.put(job);
    await this.holdsLease(job.id); // a new id: this window takes it
    this.log.info(`[jobs] ${job.id} recorded: ${request.providerId}/${request.model} ${JSON.stringify(request.params)}`);
    await this.sendSubmission(job);
    return job.id;
  }

  private async sendSubmission(job: JobRecord): Promise<void> {
    let attempt = 0;
    for (;;) {
      attempt++;
      let idempotent = false;
      try {
        const { provider, context } = await this.access(job.request.providerId);
        idempotent = provider.idempotentSubmit;
        // the provider's documented limits, checked before anything is sent
        const problems = validateRequest(job.request, provider);
        if (problems.length > 0) throw new ProviderError('badRequest', `${providerInfo(job.request.providerId).displayName}: ${problems.map((problem) => problem.message).join('; ')}`);
        const result = await this.call(job.request.providerId, 'submit', () => provider.submit(job.request, job.idempotencyKey, context));
        if (this.disposed) return;
        const updated = await this.store.update(job.id, () => ({ remoteId: result.remoteId }));
        this.log.info(`[jobs] ${job.id} submitted as ${job.request.providerId} job ${result.remoteId}`);
        if (updated?.status === 'cancelled') {
          // cancelled while the submit was on its way: cancel it remotely too
          if (provider.cancel) {
            await this.call(job.request.providerId, 'cancel', () => provider.cancel!(result.remoteId, context)).catch((error) => this.log.warn(`[jobs] ${job.id} late cancel failed: ${describeError(error)}`));
          }
          return;
        }
        await this.applyState(job.id, result.state);
        return;
      } catch (error) {
        if (this.disposed) return;
        this.logRawAnswer(job.id, 'submit', error);
        const outcome = submitOutcome(error);
        // a repeat is safe when nothing was created, or when the idempotency key stops a second job
        const retryable = isProviderError(error) && error.retryable;
        const canRepeat = retryable && (outcome === 'notSent' || (outcome === 'refused' && error.kind === 'rateLimited') || idempotent);
        if (canRepeat && attempt < this.options.maxSubmitAttempts) {
          const delay = Math.max((error as ProviderError).details.retryAfterMs ?? 0, 500 * 2 ** attempt);
          const how = idempotent ? 'with the same idempotency key' : 'the provider has no job yet';
          this.log.warn(`[jobs] ${job.id} submit attempt ${attempt} failed (${describeError(error)}); retrying in ${delay} ms (${how})`);
          await sleep(delay);
          if (this.store.get(job.id)?.status !== 'submitting') return;
          continue;
        }
        await this.fail(job.id, this.submitFailure(error, outcome, idempotent));
        return;
      }
    }
  }

  /** The failure a user reads: what went wrong, and whether the provider could hold the job. */
  private submitFailure(error: unknown, outcome: SubmitOutcome, idempotent: boolean): JobError {
    const message = describeError(error);
    const retryable = isProviderError(error) ? error.retryable || error.kind === 'auth' : false;
    switch (outcome) {
      case 'notSent':
        return { message: then(message, 'Nothing reached the provider, so retrying is safe.'), phase: 'submit', retryable: true };
      case 'unreadable':
        if (idempotent) break;
        // the provider accepted something (2xx) but its id is unreadable: a retry could make a second job
        return {
          message: then(message, 'The job was submitted but the answer could not be read, so its id is unknown: the provider may be running it. The answer is in the log; check the dashboard before generating again.'),
          phase: 'submit',
          retryable: false,
        };
      case 'unknown':
        if (idempotent) break;
        return { message: then(message, 'The provider may or may not have received the job; check its dashboard before retrying.'), phase: 'submit', retryable };
      case 'refused':
        break;
    }
    return { message, phase: 'submit', retryable };
  }

  /** An answer nobody expected goes to the log as received (the logger redacts secrets). */
  private logRawAnswer(id: string, step: string, error: unknown): void {
    if (isProviderError(error) && error.details.raw !== undefined) this.log.warn(`[${step}] ${id}: the provider's answer was: ${error.details.raw}`);
  }

  private async isIdempotent(providerId: ProviderId): Promise<boolean> {
    try {
      return (await this.access(providerId)).provider.idempotentSubmit;
    } catch {
      return false;
    }
  }

  /**
   * Whether this window works on the job now. Without the lease it adopts the outcome another window
   * recorded, or looks again later. A lease store that fails (disk) does not stop the job.
   */
  private async holdsLease(id: string): Promise<boolean> {
    const leases = this.options.leases;
    if (!leases) return true;
    try {
      if (await leases.acquire(id)) return true;
      const outcome = await leases.outcome(id);
      if (this.disposed) return false;
      if (outcome) {
        this.log.info(`[jobs] ${id} was finished by another window (${outcome.status})`);
        this.memory.delete(id);
        await this.store.update(id, () => ({ ...outcome, progress: undefined, queuePosition: undefined, queueLength: undefined, warning: undefined }));
      } else {
        await this.store.update(id, () => ({ warning: 'Tracked by another window on this workspace' }));
        this.scheduler.schedule(id, LEASE_RECHECK_MS);
      }
      return false;
    } catch (error) {
      this.log.warn(`[jobs] ${id}: job lease unavailable (${describeError(error)}); tracking it here`);
      return true;
    }
  }

  private async resumeSubmission(job: JobRecord): Promise<void> {
    if (!(await this.holdsLease(job.id))) return;
    if (await this.isIdempotent(job.request.providerId)) {
      this.log.info(`[jobs] ${job.id} was being submitted when the window closed; resubmitting with the same idempotency key`);
      await this.sendSubmission(job);
    } else {
      await this.fail(job.id, {
        message: 'The window closed while this job was being submitted; the provider may or may not have it. Check its dashboard before retrying.',
        phase: 'submit',
        retryable: true,
      });
    }
  }

  async cancel(id: string): Promise<void> {
    const job = this.store.get(id);
    if (!job || isTerminal(job.status)) return;
    this.scheduler.unschedule(id);
    if (job.remoteId) {
      try {
        const { provider, context } = await this.access(job.request.providerId);
        if (provider.cancel) await this.call(job.request.providerId, 'cancel', () => provider.cancel!(job.remoteId!, context));
        else this.log.info(`[jobs] ${id}: ${job.request.providerId} has no cancel endpoint; tracking stopped locally`);
      } catch (error) {
        this.log.warn(`[jobs] ${id} cancel request failed: ${describeError(error)}`);
        if (!(isProviderError(error) && error.kind === 'badRequest')) throw error;
      }
    }
    await this.finish(id, { status: 'cancelled' });
  }

  /**
   * Resumes a job whose polling, download or save failed (the provider may still have it), otherwise
   * submits its request again as a new job. Returns the id of the job that now carries on.
   */
  async retry(id: string): Promise<string> {
    const job = this.store.get(id);
    if (!job) throw new Error(`no job ${id}`);
    const resumable = job.remoteId && job.status === 'failed' && job.error && ['poll', 'download', 'save'].includes(job.error.phase);
    if (resumable) {
      // the failure was recorded for other windows; left there, the next lease check would adopt it again
      await this.options.leases?.reopen(id).catch((error) => this.log.warn(`[jobs] ${id}: could not reopen its outcome (${describeError(error)})`));
      await this.store.update(id, () => ({ status: 'running', error: undefined, warning: undefined, finishedAt: undefined }));
      this.memory.delete(id);
      this.scheduler.schedule(id, 0);
      return id;
    }
    return this.submit(job.request, job.source, job.output);
  }

  async remove(id: string): Promise<void> {
    this.scheduler.unschedule(id);
    this.memory.delete(id);
    await this.store.remove(id);
  }

  /** Polls every unfinished job now (manual refresh). */
  refreshAll(): void {
    for (const job of this.store.all()) if (needsPolling(job)) this.scheduler.schedule(job.id, 0);
  }

  private memoryOf(id: string): PollMemory {
    let memory = this.memory.get(id);
    if (!memory) this.memory.set(id, (memory = { consecutiveErrors: 0, unexpectedAnswers: 0, downloadAttempts: 0 }));
    return memory;
  }

  private scheduleNext(job: JobRecord): void {
    const memory = this.memoryOf(job.id);
    const delay = nextPollDelay(
      {
        ageMs: Date.now() - job.createdAt,
        etaMs: memory.etaMs,
        etaUncertainty: memory.etaUncertainty,
        quietUntilAgeMs: this.durations.quietPeriodMs(job.request),
        spreadFirstLook: !memory.looked && providerInfo(job.request.providerId).reportsProgress,
        retryAfterMs: memory.retryAfterMs,
        consecutiveErrors: memory.consecutiveErrors,
        focused: this.focused,
        queued: job.status === 'queued',
        awaitingRate: job.status === 'running' && memory.progressStart !== undefined && memory.etaMs === undefined,
        random: this.random(),
      },
      this.options.pollPolicy?.() ?? DEFAULT_POLL_POLICY,
    );
    this.scheduler.schedule(job.id, delay);
  }

  private async pollOnce(id: string): Promise<void> {
    const job = this.store.get(id);
    if (!job || !job.remoteId || isTerminal(job.status)) return;
    if (!(await this.holdsLease(id))) return;
    if (Date.now() - job.createdAt > this.options.maxJobAgeMs) {
      const minutes = Math.round(this.options.maxJobAgeMs / 60_000);
      await this.fail(id, { message: `No result after ${minutes} minutes; stopped waiting. The provider job id is ${job.remoteId}.`, phase: 'poll', retryable: true });
      return;
    }
    let batch = [job];
    try {
      const { provider, context } = await this.access(job.request.providerId);
      if (provider.pollMany) {
        // one list request refreshes every unfinished job of this provider; a job another batch
        // already took (its timer fired at the same moment) is left to that batch
        if (this.batched.has(id)) return;
        const candidates = [...this.store.values()].filter((other) => other.id !== id && other.request.providerId === job.request.providerId && needsPolling(other) && !this.batched.has(other.id));
        // members are marked at once: the lease checks below await, and another batch may form meanwhile
        batch = [job];
        this.batched.add(id);
        for (const other of candidates) {
          if (this.batched.has(other.id)) continue;
          this.batched.add(other.id);
          if (await this.holdsLease(other.id)) batch.push(other);
          else this.batched.delete(other.id);
        }
        for (const other of batch) this.scheduler.unschedule(other.id);
        try {
          const states = await this.call(job.request.providerId, 'poll', () => provider.pollMany!(batch.map((other) => other.remoteId!), context));
          for (const other of batch) {
            const state = states.get(other.remoteId!);
            if (state) await this.applyPolled(other, state);
            else this.scheduleNext(other);
          }
        } finally {
          for (const other of batch) this.batched.delete(other.id);
        }
      } else {
        await this.applyPolled(job, await this.call(job.request.providerId, 'poll', () => provider.poll(job.remoteId!, context)));
      }
    } catch (error) {
      for (const member of batch) await this.handlePollError(member.id, error, this.memoryOf(member.id));
    }
  }

  private async applyPolled(job: JobRecord, state: RemoteJobState): Promise<void> {
    const memory = this.memoryOf(job.id);
    memory.looked = true;
    memory.consecutiveErrors = 0;
    memory.unexpectedAnswers = 0;
    memory.retryAfterMs = undefined;
    if (job.warning) await this.store.update(job.id, () => ({ warning: undefined }));
    await this.applyState(job.id, state);
  }

  private async handlePollError(id: string, error: unknown, memory: PollMemory): Promise<void> {
    const current = this.store.get(id);
    if (this.disposed || !current || isTerminal(current.status)) return;
    const message = describeError(error);
    if (isProviderError(error) && error.kind === 'notFound') {
      await this.finish(id, { status: 'expired', error: { message: `The provider no longer has this job (expired or deleted): ${message}`, phase: 'provider', retryable: false } });
      return;
    }
    if (isProviderError(error) && error.kind === 'malformed') {
      // an answer the documents do not describe will not turn into one by waiting an hour
      this.logRawAnswer(id, 'poll', error);
      if (++memory.unexpectedAnswers >= this.options.maxUnexpectedAnswers) {
        const gaveUp = `Stopped after ${memory.unexpectedAnswers} unexpected answers in a row; the answer is in the log. The provider's job id is ${current.remoteId}.`;
        await this.fail(id, { message: then(message, gaveUp), phase: 'poll', retryable: true });
        return;
      }
    }
    if (isProviderError(error) && error.retryable) {
      memory.looked = true;
      memory.consecutiveErrors++;
      memory.retryAfterMs = error.details.retryAfterMs;
      this.log.warn(`[poll] ${id}: ${message} (attempt ${memory.consecutiveErrors}, backing off)`);
      const job = await this.store.update(id, () => ({ warning: message }));
      if (job) this.scheduleNext(job);
      return;
    }
    await this.fail(id, { message, phase: 'poll', retryable: true });
  }

  private async applyState(id: string, state: RemoteJobState): Promise<void> {
    // a cancel or remove may have landed while the request was in flight: it wins
    const current = this.store.get(id);
    if (this.disposed || !current || isTerminal(current.status)) return;
    const memory = this.memoryOf(id);
    switch (state.status) {
      case 'queued':
      case 'running': {
        memory.etaMs = state.etaMs;
        memory.etaUncertainty = undefined;
        if (state.status === 'running' && state.etaMs === undefined && state.progress !== undefined) {
          const now = Date.now();
          memory.progressStart ??= { at: now, progress: state.progress };
          const estimate = estimateFromProgress(memory.progressStart, now, state.progress);
          memory.etaMs = estimate?.etaMs;
          memory.etaUncertainty = estimate?.uncertainty;
        }
        const { job, saved } = this.store.change(id, (current) => ({
          credits: state.credits ?? current.credits,
          ...(state.status === 'queued'
            ? { status: 'queued', queuePosition: state.queuePosition, queueLength: state.queueLength }
            : { status: 'running', progress: state.progress, queuePosition: undefined, queueLength: undefined, startedAt: current.startedAt ?? Date.now() }),
        }));
        // the next look need not wait for the change to reach the disk
        if (job) this.scheduleNext(job);
        await saved;
        return;
      }
      case 'succeeded': {
        const resultAt = current.resultAt ?? Date.now();
        if (current.resultAt === undefined) this.durations.record(current.request, resultAt - current.createdAt);
        await this.store.update(id, (current) => ({ status: 'downloading', progress: 1, queuePosition: undefined, credits: state.credits ?? current.credits, resultAt }));
        // downloads wait for their own slots; the poll that found the result must not hold a scheduler slot meanwhile
        void this.collect(id, state.outputs).catch((error) => this.log.error(`[download] ${id}: ${describeError(error)}`));
        return;
      }
      case 'failed':
        await this.finish(id, { status: 'failed', error: { message: state.reason, phase: 'provider', retryable: false } });
        return;
      case 'cancelled':
        await this.finish(id, { status: 'cancelled' });
        return;
      case 'expired':
        await this.finish(id, { status: 'expired', error: { message: state.reason, phase: 'provider', retryable: false } });
        return;
    }
  }

  /** Downloads every output at once (provider URLs expire) and saves it with its provenance. */
  private async collect(id: string, outputs: readonly RemoteOutput[]): Promise<void> {
    const job = this.store.get(id);
    if (!job) return;
    if (outputs.length === 0) {
      await this.finish(id, { status: 'failed', error: { message: 'The provider reported success but returned no images.', phase: 'provider', retryable: false } });
      return;
    }
    const memory = this.memoryOf(id);
    const assets: SavedAsset[] = [];
    let phase = 'download' as JobError['phase']; // set inside the download callback below
    try {
      const { provider, context } = await this.access(job.request.providerId);
      for (const [index, output] of outputs.entries()) {
        await this.downloads.run('poll', async () => {
          phase = 'download';
          const file = await this.fetchOutput(output, provider, context);
          if (this.disposed) return;
          phase = 'save';
          assets.push(await this.saveAsset(job, output, index, file));
        });
        if (this.disposed) return;
      }
    } catch (error) {
      if (this.disposed) return;
      // the attempt is redone whole: drop what it had saved rather than leave orphans beside the retry
      for (const asset of assets) {
        for (const path of [asset.path, asset.sidecarPath]) await this.sink.remove(job.output.root, path).catch(() => undefined);
      }
      memory.downloadAttempts++;
      const retryable = isProviderError(error) ? error.retryable : false;
      const message = `${phase === 'save' ? 'Could not save the result' : 'Could not download the result'}: ${describeError(error)}`;
      if (retryable && memory.downloadAttempts < this.options.maxDownloadAttempts) {
        this.log.warn(`[download] ${id}: ${message}; will poll again for fresh result URLs`);
        memory.consecutiveErrors = memory.downloadAttempts;
        const updated = await this.store.update(id, () => ({ status: 'running', warning: message }));
        if (updated) this.scheduleNext(updated);
        return;
      }
      await this.fail(id, { message, phase, retryable: true });
      return;
    }
    this.log.info(`[jobs] ${id} succeeded: ${assets.map((asset) => asset.path).join(', ')}`);
    await this.finish(id, { status: 'succeeded', assets });
  }

  private async fetchOutput(output: RemoteOutput, provider: ImageProvider, context: ProviderContext): Promise<{ bytes: Buffer; mimeType: string }> {
    if (output.kind === 'base64') {
      const bytes = Buffer.from(output.data, 'base64');
      if (bytes.length > this.options.maxDownloadBytes) throw new ProviderError('tooLarge', `image is over the ${this.options.maxDownloadBytes} byte limit`);
      return { bytes, mimeType: sniffMime(bytes) ?? output.mimeType ?? 'application/octet-stream' };
    }
    const sameOrigin = context.baseUrl !== '' && new URL(output.url).origin === new URL(context.baseUrl).origin;
    const file = await context.http.download(output.url, {
      maxBytes: this.options.maxDownloadBytes,
      headers: sameOrigin ? provider.downloadHeaders?.(context) : undefined,
      signal: context.signal,
    });
    return { bytes: file.bytes, mimeType: sniffMime(file.bytes) ?? file.contentType };
  }

  private async saveAsset(job: JobRecord, output: RemoteOutput, index: number, file: { bytes: Buffer; mimeType: string }): Promise<SavedAsset> {
    const extension = extensionForMime(file.mimeType);
    if (!extension || !ALLOWED_MIME_TYPES.has(file.mimeType)) {
      throw new ProviderError('unsupported', `unsupported result type "${file.mimeType}"`);
    }
    const size = isPng(file.bytes) ? pngSize(file.bytes) : undefined;
    const provenance = buildProvenance(job, { seed: output.seed, width: size?.width ?? output.width, height: size?.height ?? output.height, index }, Date.now());
    const bytes = isPng(file.bytes) ? withPngText(file.bytes, 'parameters', a1111Parameters(provenance)) : file.bytes;
    const base = fillNameTemplate(job.output.nameTemplate, {
      name: job.output.baseName,
      seed: provenance.seed,
      index,
      model: provenance.model,
      jobId: job.id,
      date: new Date(job.createdAt),
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
      return { path, sidecarPath, mimeType: file.mimeType, width: provenance.width, height: provenance.height, seed: provenance.seed, bytes: bytes.length };
    } finally {
      this.reservedPaths.delete(key(fileName));
    }
  }

  private async fail(id: string, error: JobError): Promise<void> {
    this.log.error(`[jobs] ${id} failed (${error.phase}): ${error.message}`);
    await this.finish(id, { status: 'failed', error });
  }

  private async finish(id: string, change: Partial<JobRecord>): Promise<void> {
    if (this.disposed) return;
    this.scheduler.unschedule(id);
    this.memory.delete(id);
    const job = await this.store.update(id, () => ({ progress: undefined, queuePosition: undefined, queueLength: undefined, warning: undefined, finishedAt: Date.now(), ...change }));
    if (job && this.options.leases) {
      const { status, assets, error, finishedAt, remoteId, credits } = job;
      await this.options.leases.complete(id, { status, assets, error, finishedAt, remoteId, credits }).catch((failure) => this.log.warn(`[jobs] ${id}: could not record the outcome for other windows (${describeError(failure)})`));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.scheduler.dispose();
  }
}

function sniffMime(bytes: Uint8Array): string | undefined {
  if (isPng(bytes)) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(bytes.subarray(8, 12)).toString('latin1') === 'WEBP') return 'image/webp';
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') === 'GIF8') return 'image/gif';
  if (Buffer.from(bytes.subarray(4, 8)).toString('latin1') === 'ftyp') return 'video/mp4';
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
