// Polling: when each job is looked at next (one scheduler, a little memory per job), one list request
// for every job of a provider that has one, and what a failed look means (back off, give up). The
// states it reads go back to the job manager, which owns the job's lifecycle.
import { appendSentence, describeError, describeForLog, isProviderError, type ProviderError } from '../errors';
import type { Disposable } from '../events';
import { logRawAnswer, type JobLogger } from './jobLog';
import { isTerminal, needsPolling, type JobError, type JobRecord } from '../jobModel';
import type { JobStore } from './jobStore';
import { durationKey, durationStart, type DurationHistory } from './durationHistory';
import { changesNothing, nextRoundDelay, type JobLook } from './listRounds';
import { DEFAULT_POLL_POLICY, estimateFromProgress, nextPollDelay, type PollPolicyOptions } from './pollPolicy';
import { PollScheduler } from './pollScheduler';
import { Scouts } from './scouts';
import { failureOrigin } from './submissionFailures';
import { HeldStatus } from './heldStatus';
import type { ProviderCalls } from './providerCalls';
import { providerInfo } from '../providers/catalog';
import type { GenerationRequest } from '../jobModel';
import type { BatchPollResult, ImageProvider, ProviderContext, RemoteJobState } from '../providers/types';

/**
 * A round asks again whether this window still holds a member's lease no more often than this. Held
 * leases are renewed by their own heartbeat (jobLeases.ts); a check per member per round would cost
 * a thousand lease files' reads a few times a second.
 */
const ROUND_LEASE_RECHECK_MS = 10_000;

/** A list request's failures that are about the list, not the jobs in it (a 5xx or a timeout is neither). */
const LIST_ANSWERS_NOTHING_ABOUT_JOBS: ReadonlySet<ProviderError['kind']> = new Set(['malformed', 'notFound', 'badRequest']);

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
  /**
   * At a provider with a list endpoint: 'listed' while the list covers the job (its next look is the
   * provider's next round); 'alone' once it must be asked by itself (the list does not hold it, or
   * shows it finished without its result, or its result URLs must be fetched afresh). Unset until a
   * round has seen it.
   */
  batch?: 'listed' | 'alone';
  /** When a round last found this window holding the job's lease. */
  leaseHeldAt?: number;
}

/** A poll was answered: the errors in a row it counted start again. */
function answered(memory: PollMemory): void {
  memory.looked = true;
  memory.consecutiveErrors = 0;
  memory.unexpectedAnswers = 0;
  memory.retryAfterMs = undefined;
}

export class JobPoller implements Disposable {
  private readonly scheduler: PollScheduler;
  private readonly held: HeldStatus;
  private readonly memory = new Map<string, PollMemory>();
  /** Jobs inside a list round right now, so a concurrent round does not poll them again. */
  private readonly batched = new Set<string>();
  private readonly scouts = new Scouts();
  /** Jobs whose next look the round in flight sets: the delay each would wait alone, once known. */
  private readonly roundLooks = new Map<string, number | undefined>();
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
    const memory = this.memoryOf(id);
    memory.consecutiveErrors = attempts;
    // fresh URLs come from the job's own request, on its own back-off, not from every list round
    if (memory.batch) memory.batch = 'alone';
  }

  scheduleNext(job: JobRecord): void {
    // a held request that waited its term without an end: the next one goes at once
    if (this.held.takeHoldAgain(job.id)) return this.scheduler.schedule(job.id, 0);
    const delay = this.delayFor(job);
    // a job the provider's list covers is looked at again by its next round, which the round in flight sets
    if (this.roundLooks.has(job.id)) this.roundLooks.set(job.id, delay);
    else this.scheduler.schedule(job.id, delay);
  }

  /** How long the job would wait before its next look, polled by itself. */
  private delayFor(job: JobRecord): number {
    const memory = this.memoryOf(job.id);
    const policy = this.options.pollPolicy?.() ?? DEFAULT_POLL_POLICY;
    const now = Date.now();
    const delay = nextPollDelay(
      {
        ageMs: now - job.createdAt,
        etaMs: memory.etaMs,
        etaUncertainty: memory.etaUncertainty,
        quietUntilAgeMs: this.quietUntilAge(job, memory),
        typicalDurationMs: this.durations.typicalDurationMs(job.request),
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
    // a job of a new kind beyond the scouts waits for their first result (kindLearned), at most the longest interval
    return this.waitsForScouts(job) ? Math.max(delay, policy.maxIntervalMs * (this.focused ? 1 : policy.unfocusedMultiplier)) : delay;
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
    if (await this.failedTooOld(job)) return;
    try {
      const { provider, context } = await this.calls.access(job.request.providerId);
      if (provider.pollMany && this.memoryOf(id).batch !== 'alone') {
        await this.pollRound(job, provider, context);
        return;
      }
      // a held request (SubModel's /status-sync) is the look when one can start; else a plain poll
      if (!this.held.start(job, provider, context))
        await this.applyPolled(job, await this.calls.call(job.request.providerId, 'poll', () => provider.poll(job.remoteId!, context)));
    } catch (error) {
      await this.handlePollError(id, error, this.memoryOf(id));
    }
  }

  /** A job still unfinished after the longest wait allowed is failed (its id stays in the record). */
  private async failedTooOld(job: JobRecord): Promise<boolean> {
    if (Date.now() - job.createdAt <= this.options.maxJobAgeMs) return false;
    const minutes = Math.round(this.options.maxJobAgeMs / 60_000);
    await this.outcomes.fail(job.id, {
      message: `No result after ${minutes} minutes; stopped waiting. The provider job id is ${job.remoteId}.`,
      phase: 'poll',
      retryable: true,
    });
    return true;
  }

  /**
   * One list request refreshes every unfinished job of the trigger's provider that the list may cover.
   * A job whose state the list cannot give in full (finished: the result is not in the list), or that
   * the list does not hold, is asked alone from then on, as a single poll. The next round comes when
   * the jobs, each alone, would have been looked at (nextRoundDelay). A job another round holds is left to it.
   */
  private async pollRound(trigger: JobRecord, provider: ImageProvider, context: ProviderContext): Promise<void> {
    if (this.batched.has(trigger.id)) return;
    const providerId = trigger.request.providerId;
    const candidates = [trigger];
    for (const other of this.store.values())
      if (other.id !== trigger.id && other.request.providerId === providerId && this.mayJoinRound(other)) candidates.push(other);
    // marked before the first await: a round formed meanwhile must not take them too
    for (const candidate of candidates) this.batched.add(candidate.id);
    const members: JobRecord[] = [];
    try {
      const held = await Promise.all(candidates.map((candidate) => candidate === trigger || this.stillHeld(candidate.id)));
      const tooOld = await Promise.all(
        candidates.map((candidate, index) => held[index] && candidate !== trigger && this.failedTooOld(candidate)),
      );
      candidates.forEach((candidate, index) => {
        if (held[index] && !tooOld[index]) members.push(candidate);
        else this.batched.delete(candidate.id);
      });
    } catch (error) {
      for (const candidate of candidates) this.batched.delete(candidate.id);
      throw error;
    }
    for (const member of members) this.scheduler.unschedule(member.id);
    let results: Map<string, BatchPollResult>;
    try {
      results = await this.calls.call(providerId, 'poll', () =>
        provider.pollMany!(
          members.map((member) => member.remoteId!),
          context,
        ),
      );
    } catch (error) {
      for (const member of members) this.batched.delete(member.id);
      if (isProviderError(error) && LIST_ANSWERS_NOTHING_ABOUT_JOBS.has(error.kind)) return this.askAloneFromNowOn(members, error);
      // the list could not be reached: every member as if its own poll had failed; the first to come due retries it for all
      await Promise.all(members.map((member) => this.handlePollError(member.id, error, this.memoryOf(member.id))));
      return;
    }
    const applied = members.map((member) => this.applyRoundResult(member, results.get(member.remoteId!), member === trigger));
    // each member's next look is known once its state is in memory: the next round need not wait for the disk
    this.scheduleRound(members);
    for (const member of members) {
      this.batched.delete(member.id);
      this.roundLooks.delete(member.id);
    }
    await Promise.all(applied);
  }

  /**
   * The list answered, but not as documented (or not at all: 404): that says nothing about any one
   * job, so none is counted or ended for it; each is asked by itself from now on, where its own
   * answers count as a single poll's do. New jobs try the list again.
   */
  private askAloneFromNowOn(members: readonly JobRecord[], error: ProviderError): void {
    logRawAnswer(this.log, 'the list', 'poll', error);
    this.log.warn(`[poll] ${describeForLog(error)}; its ${members.length} job(s) are asked one by one from now on`);
    for (const member of members) {
      this.memoryOf(member.id).batch = 'alone';
      this.scheduler.schedule(member.id, 0);
    }
  }

  private async stillHeld(id: string): Promise<boolean> {
    const memory = this.memoryOf(id);
    if (memory.leaseHeldAt !== undefined && Date.now() - memory.leaseHeldAt < ROUND_LEASE_RECHECK_MS) return true;
    const held = await this.outcomes.holdsLease(id);
    // the job may have ended meanwhile (another window's outcome adopted): its memory is gone then
    if (held) this.memoryOf(id).leaseHeldAt = Date.now();
    return held;
  }

  private mayJoinRound(job: JobRecord): boolean {
    return needsPolling(job) && !this.batched.has(job.id) && this.memory.get(job.id)?.batch !== 'alone';
  }

  /**
   * One member's part of a round's answer. A job only its own request can tell about is polled alone,
   * where its answer and errors count as any single poll's: at once when the list shows it finished
   * (its result is waiting) or it triggered the round (it was due); otherwise, not being in the list,
   * when it would be due.
   */
  private async applyRoundResult(job: JobRecord, result: BatchPollResult | undefined, isTrigger: boolean): Promise<void> {
    const memory = this.memoryOf(job.id);
    if (!result || 'askAlone' in result) {
      memory.batch = 'alone';
      if (result || isTrigger) this.scheduler.schedule(job.id, 0);
      else this.scheduleNext(job);
      return;
    }
    memory.batch = 'listed';
    const current = this.store.get(job.id) ?? job;
    if (changesNothing(current, result.state)) {
      answered(memory);
      this.roundLooks.set(job.id, this.delayFor(current));
      return;
    }
    // set by scheduleNext as the manager applies the state (in memory at once, before it awaits the disk)
    this.roundLooks.set(job.id, undefined);
    try {
      await this.applyPolled(current, result.state);
    } catch (error) {
      // as a single poll's would: the job is no longer the round's to schedule
      this.roundLooks.delete(job.id);
      await this.handlePollError(job.id, error, memory);
    }
  }

  /**
   * Every member the list still covers is due at the same moment: the first timer to fire lists them
   * all. A member whose next look is not known yet (its state still on its way: a warning to clear
   * first) schedules itself when it is, as any job does.
   */
  private scheduleRound(members: readonly JobRecord[]): void {
    const now = Date.now();
    const looks: (JobLook & { readonly id: string })[] = [];
    for (const member of members) {
      const job = this.store.get(member.id);
      const delayMs = this.roundLooks.get(member.id);
      if (!job || !needsPolling(job) || delayMs === undefined) continue;
      const quietLeft = this.durations.quietPeriodMs(job.request) - (now - job.createdAt);
      looks.push({ id: job.id, delayMs, waiting: quietLeft > 0 && this.memoryOf(job.id).consecutiveErrors === 0 });
    }
    const policy = this.options.pollPolicy?.() ?? DEFAULT_POLL_POLICY;
    const delay = nextRoundDelay(looks, policy.minIntervalMs * (this.focused ? 1 : policy.unfocusedMultiplier));
    if (delay !== undefined) for (const { id } of looks) this.scheduler.schedule(id, delay);
  }

  private async applyPolled(job: JobRecord, state: RemoteJobState): Promise<void> {
    answered(this.memoryOf(job.id));
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
