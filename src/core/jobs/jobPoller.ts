// Polling: when each job is looked at next (one scheduler, a little memory per job), one list request
// for every job of a provider that has one, and what a failed look means (back off, give up). The
// states it reads go back to the job manager, which owns the job's lifecycle.
import { appendSentence, describeError, describeForLog, isProviderError } from '../errors';
import type { Disposable } from '../events';
import { logRawAnswer, type JobLogger } from './jobLog';
import { isTerminal, needsPolling, type JobError, type JobRecord } from '../jobModel';
import type { JobStore } from './jobStore';
import { durationKey, durationStart, type DurationHistory } from './durationHistory';
import { DEFAULT_POLL_POLICY, estimateFromProgress, nextPollDelay, type PollPolicyOptions } from './pollPolicy';
import { PollScheduler } from './pollScheduler';
import { Scouts } from './scouts';
import { failureOrigin } from './submissionFailures';
import { HeldStatus } from './heldStatus';
import type { ProviderCalls } from './providerCalls';
import { providerInfo } from '../providers/catalog';
import type { RemoteJobState } from '../providers/types';
import type { GenerationRequest } from '../jobModel';

export interface JobPollerOptions {
  /** Read at each scheduling, so settings changes apply to the next poll. */
  readonly pollPolicy?: () => PollPolicyOptions;
  readonly maxConcurrentPolls: number;
  /** A job still unfinished after this long is failed (its id stays in the record). */
  readonly maxJobAgeMs: number;
  /** Answers in a row the provider's documents do not describe before a job is given up (README). */
  readonly maxUnexpectedAnswers: number;
  /** How long a provider with held status requests is asked to hold each one (jobs/heldStatus.ts). */
  readonly heldWaitMs: number;
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
  /** Last answer that said queued: a job that must still start and run cannot finish much sooner. */
  queuedAt?: number;
}

export class JobPoller implements Disposable {
  private readonly scheduler: PollScheduler;
  private readonly held: HeldStatus;
  private readonly memory = new Map<string, PollMemory>();
  /** Jobs inside a batch poll right now, so a concurrent batch does not poll them again. */
  private readonly batched = new Set<string>();
  private readonly scouts = new Scouts();
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
    const heldOutcomes = {
      answered: async (job: JobRecord, state: RemoteJobState) => {
        const current = this.store.get(job.id);
        if (!current || isTerminal(current.status)) return;
        // what a poll's answer goes through, failures included
        await this.applyPolled(current, state).catch((error: unknown) => this.handlePollError(job.id, error, this.memoryOf(job.id)));
      },
      pollPlain: (id: string, delayMs: number) => this.scheduler.schedule(id, delayMs),
    };
    this.held = new HeldStatus(calls, log, heldOutcomes, options.heldWaitMs);
  }

  schedule(id: string, delayMs: number): void {
    this.scheduler.schedule(id, delayMs);
  }

  /** No more looks at the job; a held request it has open is ended. */
  unschedule(id: string): void {
    this.scheduler.unschedule(id);
    this.held.abort(id);
  }

  /** Drops what polling learnt about the job (it ended, or starts over). */
  forget(id: string): void {
    this.memory.delete(id);
    this.scouts.forget(id);
    this.held.abort(id);
  }

  /** The first job of a new kind has finished: the jobs that waited for it follow the usual schedule. */
  kindLearned(request: GenerationRequest): void {
    for (const id of this.scouts.release(durationKey(request))) {
      const job = this.store.get(id);
      if (job && needsPolling(job) && !this.batched.has(id)) this.scheduleNext(job);
    }
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
  }

  /** Keeps what a queued or running state says about the finish, for the timing of the next look. */
  noteProgress(id: string, state: ProgressState): void {
    const memory = this.memoryOf(id);
    memory.etaMs = state.etaMs;
    memory.etaUncertainty = undefined;
    if (state.status === 'queued') memory.queuedAt = Date.now();
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
    // a held request that waited its term without an end: the next one goes at once
    if (this.held.takeHoldAgain(job.id)) return this.scheduler.schedule(job.id, 0);
    const memory = this.memoryOf(job.id);
    const policy = this.options.pollPolicy?.() ?? DEFAULT_POLL_POLICY;
    const now = Date.now();
    let delay = nextPollDelay(
      {
        ageMs: now - job.createdAt,
        etaMs: memory.etaMs,
        etaUncertainty: memory.etaUncertainty,
        quietUntilAgeMs: this.quietUntilAge(job, memory),
        spreadFirstLook: !memory.looked && providerInfo(job.request.providerId).reportsProgress,
        retryAfterMs: memory.retryAfterMs,
        consecutiveErrors: memory.consecutiveErrors,
        focused: this.focused,
        queued: job.status === 'queued',
        awaitingRate: job.status === 'running' && memory.progressStart !== undefined && memory.etaMs === undefined,
        random: this.options.random(),
      },
      policy,
    );
    if (this.waitsForScouts(job)) delay = Math.max(delay, policy.maxIntervalMs * (this.focused ? 1 : policy.unfocusedMultiplier));
    this.scheduler.schedule(job.id, delay);
  }

  /**
   * The job's age at which its quiet period ends, counted from its known start where the provider
   * reports queue time; a job last seen queued has yet to start, so not before that look + the period.
   */
  private quietUntilAge(job: JobRecord, memory: PollMemory): number {
    const quietMs = this.durations.quietPeriodMs(job.request);
    if (quietMs === 0) return 0;
    const start =
      job.status === 'queued' && providerInfo(job.request.providerId).reportsQueueTime
        ? (memory.queuedAt ?? job.createdAt)
        : durationStart(job);
    return start - job.createdAt + quietMs;
  }

  /** A job of a new kind, at a provider blind to progress, beyond the scouts: it waits for their first result. */
  private waitsForScouts(job: JobRecord): boolean {
    if (providerInfo(job.request.providerId).reportsProgress || !this.durations.isNew(job.request)) return false;
    return this.scouts.roleOf(durationKey(job.request), job.id) === 'waiting';
  }

  dispose(): void {
    this.scheduler.dispose();
    this.held.dispose();
  }

  private memoryOf(id: string): PollMemory {
    let memory = this.memory.get(id);
    if (!memory) this.memory.set(id, (memory = { consecutiveErrors: 0, unexpectedAnswers: 0 }));
    return memory;
  }

  private async pollOnce(id: string): Promise<void> {
    const job = this.store.get(id);
    if (!job || !job.remoteId || isTerminal(job.status)) return;
    if (this.held.isOpen(id)) return; // a held request is looking at it already
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
        // one list request refreshes every unfinished job of this provider; a job another batch
        // already took (its timer fired at the same moment) is left to that batch
        if (this.batched.has(id)) return;
        const candidates = [...this.store.values()].filter(
          (other) =>
            other.id !== id && other.request.providerId === job.request.providerId && needsPolling(other) && !this.batched.has(other.id),
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
      } else if (!this.held.start(job, provider, context)) {
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
