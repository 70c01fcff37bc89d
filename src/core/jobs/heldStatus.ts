// Held status requests (SubModel's /status-sync): the provider keeps the request open until the job
// ends or the wait runs out, so a finished job is seen one round trip after it ends, for about one
// request per wait instead of one per poll. Safe for the job id: the poller starts one only for a job
// whose id is in the store, and the submitter writes the id to disk before the job's first look.
// Each held request is the job's look: it takes none of the scheduler's or the gate's slots (other
// jobs' polls go on), only one of the provider's held slots; when none is free the job is polled as
// usual. Anything it cannot answer goes back to an ordinary poll at once.
import { describeForLog, isProviderError } from '../errors';
import type { JobRecord, ProviderId } from '../jobModel';
import type { ImageProvider, ProviderContext, RemoteJobState } from '../providers/types';
import { logRawAnswer, type JobLogger } from './jobLog';
import type { ProviderCalls } from './providerCalls';

/** What a held request hands back to the poller. */
export interface HeldOutcomes {
  /** The job's state as the held request saw it. */
  answered(job: JobRecord, state: RemoteJobState): Promise<void>;
  /** Look at the job again after `delayMs`, with an ordinary poll. */
  pollPlain(id: string, delayMs: number): void;
  /** The provider's first held request of the session started: its jobs' looks cost about one request a wait. */
  holdingStarted(providerId: ProviderId): void;
}

/** A non-final answer that came back sooner than this share of the wait was not held: no new hold at once. */
const HELD_SHARE = 0.5;
/**
 * Held requests dropped in a row (reset, timeout, 5xx) before a provider's are given up for this
 * session: something between here and the provider (a proxy) does not keep them open.
 */
const MAX_DROPS_IN_A_ROW = 3;

/**
 * Answers meaning the provider has no held status endpoint, or not as RunPod's documents describe it:
 * 404 or 405 (no such route or method), another 4xx (its `wait` refused), an answer the documents do
 * not describe. A 404 is taken for a missing route; whether the job itself is gone, the ordinary
 * /status poll that follows says.
 */
function refusesHeld(error: unknown): boolean {
  return isProviderError(error) && (error.kind === 'notFound' || error.kind === 'badRequest' || error.kind === 'malformed');
}

export class HeldStatus {
  /** Jobs with a held request open, and how to end it. */
  private readonly open = new Map<string, AbortController>();
  /** Jobs whose next look is an ordinary poll. */
  private readonly plainNext = new Set<string>();
  /** Jobs whose held request waited its term without an end: the next look is due at once. */
  private readonly holdAgain = new Set<string>();
  private readonly refused = new Set<ProviderId>();
  /** Providers a held request has started for in this session (and not turned off since). */
  private readonly holding = new Set<ProviderId>();
  /** Jobs a held request has watched: none waits for scouts, even once held requests stop. */
  private readonly watched = new Set<string>();
  /** Providers whose held slots were all taken at the last try, until one is free again. */
  private readonly full = new Set<ProviderId>();
  private readonly dropsInARow = new Map<ProviderId, number>();

  constructor(
    private readonly calls: ProviderCalls,
    private readonly log: JobLogger,
    private readonly outcomes: HeldOutcomes,
    /** How long the provider is asked to hold each request. */
    private readonly waitMs: number,
  ) {}

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  /**
   * Held requests watch the provider's next jobs (one has started this session, they were neither
   * turned off nor given up, and a slot was free at the last try): a look there costs about one
   * request per wait, so no job need wait for another's result to be looked at (scouts.ts). Past
   * the held slots, jobs are polled, and scouted again.
   */
  watches(providerId: ProviderId): boolean {
    return this.holding.has(providerId) && !this.refused.has(providerId) && !this.full.has(providerId);
  }

  /** A held request has watched the job (it is looked at already: it never waits for scouts when holds stop). */
  hasWatched(id: string): boolean {
    return this.watched.has(id);
  }

  /** Consumed by the scheduling that follows a held answer. */
  takeHoldAgain(id: string): boolean {
    return this.holdAgain.delete(id);
  }

  /** Starts a held request as the job's look; false when the job is to be polled as usual instead. */
  start(job: JobRecord, provider: ImageProvider, context: ProviderContext): boolean {
    const providerId = job.request.providerId;
    const remoteId = job.remoteId;
    if (this.plainNext.delete(job.id) || !remoteId || !provider.pollHeld) return false;
    if (!context.options?.heldStatus) {
      this.holding.delete(providerId); // turned off in the settings: the jobs are polled, and scouted again
      return false;
    }
    if (this.refused.has(providerId) || this.open.has(job.id)) return false;
    const abort = new AbortController();
    // the engine closing ends it too; the listener goes with the request, not with the engine's signal
    const closing = () => abort.abort();
    const startedAt = Date.now();
    const request = this.calls.callHeld(providerId, () => provider.pollHeld!(remoteId, this.waitMs, { ...context, signal: abort.signal }));
    if (!request) {
      this.full.add(providerId); // every held slot is taken
      return false;
    }
    if (!this.holding.has(providerId)) {
      this.holding.add(providerId);
      this.outcomes.holdingStarted(providerId);
    }
    context.signal?.addEventListener('abort', closing, { once: true });
    this.open.set(job.id, abort);
    this.watched.add(job.id);
    const settled = () => {
      context.signal?.removeEventListener('abort', closing);
      this.full.delete(providerId);
      return this.open.get(job.id) === abort && this.open.delete(job.id);
    };
    void request.then(
      async (state) => {
        if (!settled() || abort.signal.aborted) return;
        this.dropsInARow.delete(providerId);
        const unfinished = state.status === 'queued' || state.status === 'running';
        if (unfinished && Date.now() - startedAt >= this.waitMs * HELD_SHARE) this.holdAgain.add(job.id);
        await this.outcomes.answered(job, state);
      },
      (error: unknown) => {
        if (!settled() || abort.signal.aborted || this.calls.closed) return;
        this.failed(job, error);
      },
    );
    return true;
  }

  /** Ends the job's held request, if it has one (cancelled, removed, finished). */
  abort(id: string): void {
    this.open.get(id)?.abort();
    this.open.delete(id);
    this.watched.delete(id);
    this.holdAgain.delete(id);
    this.plainNext.delete(id);
  }

  dispose(): void {
    for (const id of [...this.open.keys()]) this.abort(id);
  }

  private failed(job: JobRecord, error: unknown): void {
    const providerId = job.request.providerId;
    if (refusesHeld(error)) {
      this.giveUp(job, providerId, error, 'refused');
    } else if (isProviderError(error) && (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server')) {
      const drops = (this.dropsInARow.get(providerId) ?? 0) + 1;
      this.dropsInARow.set(providerId, drops);
      if (drops >= MAX_DROPS_IN_A_ROW) this.giveUp(job, providerId, error, `dropped ${drops} times in a row`);
      else this.log.warn(`[poll] ${job.id}: the held status request ended without an answer (${describeForLog(error)}); polling instead`);
    }
    // whatever it was (a 429 and an auth error included), the ordinary poll says what it means for the job
    const retryAfterMs = isProviderError(error) ? error.details.retryAfterMs : undefined;
    this.pollPlain(job.id, retryAfterMs ?? 0);
  }

  private pollPlain(id: string, delayMs: number): void {
    this.plainNext.add(id);
    this.outcomes.pollPlain(id, delayMs);
  }

  private giveUp(job: JobRecord, providerId: ProviderId, error: unknown, how: string): void {
    if (this.refused.has(providerId)) return;
    this.refused.add(providerId);
    logRawAnswer(this.log, job.id, 'poll', error);
    this.log.warn(`[poll] ${providerId}: held status requests ${how} (${describeForLog(error)}); polling /status instead from now on`);
  }
}
