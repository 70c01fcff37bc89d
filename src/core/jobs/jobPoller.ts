// Polling: when each job is looked at next (one scheduler, a little memory per job), one list request
// for every job of a provider that has one, and what a failed look means (back off, give up). The
// states it reads go back to the job manager, which owns the job's lifecycle.
import { appendSentence, describeError, describeForLog, isProviderError } from '../errors';
import type { Disposable } from '../events';
import { logRawAnswer, type JobLogger } from './jobLog';
import { isTerminal, needsPolling, type JobError, type JobRecord } from '../jobModel';
import type { JobStore } from './jobStore';
import type { DurationHistory } from './durationHistory';
import { DEFAULT_POLL_POLICY, estimateFromProgress, nextPollDelay, type PollPolicyOptions } from './pollPolicy';
import { PollScheduler } from './pollScheduler';
import { failureOrigin } from './submissionFailures';
import type { ProviderCalls } from './providerCalls';
import { providerInfo } from '../providers/catalog';
import type { RemoteJobState } from '../providers/types';

export interface JobPollerOptions {
  /** Read at each scheduling, so settings changes apply to the next poll. */
  readonly pollPolicy?: () => PollPolicyOptions;
  readonly maxConcurrentPolls: number;
  /** A job still unfinished after this long is failed (its id stays in the record). */
  readonly maxJobAgeMs: number;
  /** Answers in a row the provider's documents do not describe before a job is given up (README). */
  readonly maxUnexpectedAnswers: number;
  readonly random: () => number;
}

/** What the poller hands back to the job manager. */
export interface PollOutcomes {
  /** Whether this window works on the job now; without the lease it is not polled here. */
  holdsLease(id: string): Promise<boolean>;
  /** A state the provider reported (`expired` when it no longer has the job). */
  applyState(id: string, state: RemoteJobState): Promise<void>;
  fail(id: string, error: JobError): Promise<void>;
}

type ProgressState = Extract<RemoteJobState, { status: 'queued' | 'running' }>;

/** A batch poll takes along the jobs due within this share of the longest interval. */
const BATCH_HORIZON = 1 / 3;

interface PollMemory {
  /** A poll has been answered (or failed) since this window took the job. */
  looked?: boolean;
  consecutiveErrors: number;
  /** Answers in a row that the provider's documents do not describe. */
  unexpectedAnswers: number;
  retryAfterMs?: number;
  etaMs?: number;
  etaUncertainty?: number;
  /** First progress seen while running, to estimate the finish from the rate of progress. */
  progressStart?: { at: number; progress: number };
}

export class JobPoller implements Disposable {
  private readonly scheduler: PollScheduler;
  private readonly memory = new Map<string, PollMemory>();
  /** Jobs inside a batch poll right now, so a concurrent batch does not poll them again. */
  private readonly batched = new Set<string>();
  private focused = true;

  constructor(
    private readonly store: JobStore,
    private readonly calls: ProviderCalls,
    private readonly durations: DurationHistory,
    private readonly log: JobLogger,
    private readonly outcomes: PollOutcomes,
    private readonly options: JobPollerOptions,
  ) {
    this.scheduler = new PollScheduler((id) => this.pollOnce(id), { maxConcurrent: options.maxConcurrentPolls });
  }

  schedule(id: string, delayMs: number): void {
    this.scheduler.schedule(id, delayMs);
  }

  unschedule(id: string): void {
    this.scheduler.unschedule(id);
  }

  /** Drops what polling learnt about the job (it ended, or starts over). */
  forget(id: string): void {
    this.memory.delete(id);
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
  }

  /** Keeps what a queued or running state says about the finish, for the timing of the next look. */
  noteProgress(id: string, state: ProgressState): void {
    const memory = this.memoryOf(id);
    memory.etaMs = state.etaMs;
    memory.etaUncertainty = undefined;
    if (state.status === 'running' && state.etaMs === undefined && state.progress !== undefined) {
      const now = Date.now();
      memory.progressStart ??= { at: now, progress: state.progress };
      const estimate = estimateFromProgress(memory.progressStart, now, state.progress);
      memory.etaMs = estimate?.etaMs;
      memory.etaUncertainty = estimate?.uncertainty;
    }
  }

  /**
   * The next look at a job whose result could not be downloaded (its URLs may have expired) backs off
   * as after that many failed looks.
   */
  backOffAfterDownloadFailures(id: string, attempts: number): void {
    this.memoryOf(id).consecutiveErrors = attempts;
  }

  scheduleNext(job: JobRecord): void {
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
        random: this.options.random(),
      },
      this.policy(),
    );
    this.scheduler.schedule(job.id, delay);
  }

  private policy(): PollPolicyOptions {
    return this.options.pollPolicy?.() ?? DEFAULT_POLL_POLICY;
  }

  dispose(): void {
    this.scheduler.dispose();
  }

  private memoryOf(id: string): PollMemory {
    let memory = this.memory.get(id);
    if (!memory) this.memory.set(id, (memory = { consecutiveErrors: 0, unexpectedAnswers: 0 }));
    return memory;
  }

  private async pollOnce(id: string): Promise<void> {
    // a job is never asked about before its provider id is on disk: a crash now would otherwise lose it
    await this.store.stored(id).catch(() => undefined);
    const job = this.store.get(id);
    if (!job || !job.remoteId || isTerminal(job.status)) return;
    if (!(await this.outcomes.holdsLease(id))) return;
    if (Date.now() - job.createdAt > this.options.maxJobAgeMs) {
      const minutes = Math.round(this.options.maxJobAgeMs / 60_000);
      await this.outcomes.fail(id, {
        message: `No result after ${minutes} minutes; stopped waiting. The provider job id is ${job.remoteId}.`,
        phase: 'poll',
        retryable: true,
      });
      return;
    }
    let batch = [job];
    try {
      const { provider, context } = await this.calls.access(job.request.providerId);
      if (provider.pollMany) {
        // one request refreshes the unfinished jobs of this provider that are due soon; a job another
        // batch already took (its timer fired at the same moment) is left to that batch. Jobs due
        // later keep their own time: a list would answer for them at no extra request, but reading
        // each answer is work, and with a thousand jobs waiting that work is the cost.
        if (this.batched.has(id)) return;
        const horizon = Date.now() + this.policy().maxIntervalMs * BATCH_HORIZON;
        const candidates = [...this.store.values()].filter(
          (other) =>
            other.id !== id &&
            other.request.providerId === job.request.providerId &&
            needsPolling(other) &&
            !this.batched.has(other.id) &&
            (this.scheduler.dueAt(other.id) ?? 0) <= horizon,
        );
        // members are marked at once: the lease checks below await, and another batch may form meanwhile
        batch = [job];
        this.batched.add(id);
        for (const other of candidates) {
          if (this.batched.has(other.id)) continue;
          this.batched.add(other.id);
          if (await this.outcomes.holdsLease(other.id)) batch.push(other);
          else this.batched.delete(other.id);
        }
        for (const other of batch) this.scheduler.unschedule(other.id);
        try {
          const states = await this.calls.call(job.request.providerId, 'poll', () =>
            provider.pollMany!(
              batch.map((other) => other.remoteId!),
              context,
            ),
          );
          for (const other of batch) {
            const state = states.get(other.remoteId!);
            if (state) await this.applyPolled(other, state);
            else this.scheduleNext(other);
          }
        } finally {
          for (const other of batch) this.batched.delete(other.id);
        }
      } else {
        await this.applyPolled(job, await this.calls.call(job.request.providerId, 'poll', () => provider.poll(job.remoteId!, context)));
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
    await this.outcomes.applyState(job.id, state);
  }

  private async handlePollError(id: string, error: unknown, memory: PollMemory): Promise<void> {
    const current = this.store.get(id);
    if (this.calls.closed || !current || isTerminal(current.status)) return;
    const message = describeError(error);
    if (isProviderError(error) && error.kind === 'notFound') {
      await this.outcomes.applyState(id, {
        status: 'expired',
        reason: `The provider no longer has this job (expired or deleted): ${message}`,
      });
      return;
    }
    if (isProviderError(error) && error.kind === 'malformed') {
      // an answer the documents do not describe will not turn into one by waiting an hour
      logRawAnswer(this.log, id, 'poll', error);
      if (++memory.unexpectedAnswers >= this.options.maxUnexpectedAnswers) {
        const gaveUp = `Stopped after ${memory.unexpectedAnswers} unexpected answers in a row; the answer is in the log. The provider's job id is ${current.remoteId}.`;
        await this.outcomes.fail(id, { message: appendSentence(message, gaveUp), phase: 'poll', retryable: true, ...failureOrigin(error) });
        return;
      }
    }
    if (isProviderError(error) && error.retryable) {
      memory.looked = true;
      memory.consecutiveErrors++;
      memory.retryAfterMs = error.details.retryAfterMs;
      this.log.warn(`[poll] ${id}: ${describeForLog(error)} (attempt ${memory.consecutiveErrors}, backing off)`);
      const job = await this.store.update(id, () => ({ warning: message }));
      if (job) this.scheduleNext(job);
      return;
    }
    await this.outcomes.fail(id, { message, phase: 'poll', retryable: true, ...failureOrigin(error) });
  }
}
