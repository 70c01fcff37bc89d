// Polling: when each job is looked at next (one scheduler, a little memory per job: pollMemory.ts),
// by a plain poll, a held request (heldStatus.ts) or a list round (pollRounds.ts), and what a failed
// look means (back off, give up). The states it reads go back to the job manager, which owns the
// job's lifecycle.
import { appendSentence, describeError, describeForLog, isProviderError, type ProviderError } from '../errors';
import type { Disposable } from '../events';
import { logRawAnswer, type JobLogger } from './jobLog';
import { formatClock, formatDuration, isTerminal, needsPolling, type JobError, type JobRecord, type ProviderId } from '../jobModel';
import type { JobStore } from './jobStore';
import { durationKey, durationStart, type DurationHistory } from './durationHistory';
import { answered, PollMemories, type PollMemory } from './pollMemory';
import { PollRounds } from './pollRounds';
import {
  DEFAULT_POLL_POLICY,
  estimateFromProgress,
  guessesFromAge,
  nextPollDelay,
  type PollInputs,
  type PollPolicyOptions,
} from './pollPolicy';
import { PollScheduler } from './pollScheduler';
import { Scouts } from './scouts';
import { failureOrigin } from './submissionFailures';
import { HeldStatus } from './heldStatus';
import type { ProviderCalls } from './providerCalls';
import { providerInfo } from '../providers/catalog';
import type { RemoteJobState } from '../providers/types';
import { goneAt, goneJobMessage, httpAnswer, notExpiredMessage, resultLifetimeOf } from '../results/goneResult';

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

export class JobPoller implements Disposable {
  private readonly scheduler: PollScheduler;
  private readonly held: HeldStatus;
  private readonly memories = new PollMemories();
  private readonly rounds: PollRounds;
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
    this.rounds = new PollRounds({
      store,
      calls,
      scheduler: this.scheduler,
      durations,
      memories: this.memories,
      log,
      policy: () => this.policy(),
      focused: () => this.focused,
      holdsLease: (id) => outcomes.holdsLease(id),
      failedTooOld: (job) => this.failedTooOld(job),
      delayFor: (job) => this.delayFor(job),
      scheduleNext: (job) => this.scheduleNext(job),
      applyPolled: (job, state) => this.applyPolled(job, state),
      handlePollError: (id, error, memory) => this.handlePollError(id, error, memory),
    });
    const heldOutcomes = {
      answered: async (job: JobRecord, state: RemoteJobState) => {
        const current = this.store.get(job.id);
        if (!current || isTerminal(current.status)) return;
        // what a poll's answer goes through, failures included
        await this.applyPolled(current, state).catch((error: unknown) => this.handlePollError(job.id, error, this.memories.of(job.id)));
      },
      pollPlain: (id: string, delayMs: number) => this.scheduler.schedule(id, delayMs),
      holdingStarted: (providerId: ProviderId) => this.stopWaiting(this.scouts.waitingJobs(), providerId),
    };
    this.held = new HeldStatus(calls, log, heldOutcomes, options.heldWaitMs);
  }

  /** A look timed from outside the job's schedule (at once: a resume, a retry, Refresh All): its phase is lost. */
  schedule(id: string, delayMs: number): void {
    const memory = this.memories.peek(id);
    if (memory) memory.phased = false;
    this.scheduler.schedule(id, delayMs);
  }

  /** No more looks at the job; a held request it has open is ended. */
  unschedule(id: string): void {
    this.scheduler.unschedule(id);
    this.held.abort(id);
  }

  /** Drops what polling learnt about the job (it ended, or starts over). */
  forget(id: string): void {
    this.memories.forget(id);
    const promoted = this.scouts.forget(id);
    this.held.abort(id);
    if (promoted !== undefined) this.followSchedule(promoted);
  }

  /** A job of its kind has finished: the jobs that waited for the scouts of a new kind follow the usual schedule. */
  kindFinishedOne(finished: JobRecord): void {
    const { waiting, quickestOfScouts } = this.scouts.release(durationKey(finished.request), finished.id);
    this.durations.firstWasQuickestOf(finished.request, quickestOfScouts);
    this.stopWaiting(waiting);
  }

  /** Jobs that waited for the scouts (of `providerId` only, when given) follow the usual schedule. */
  private stopWaiting(waiting: readonly string[], providerId?: ProviderId): void {
    for (const id of waiting) {
      if (providerId !== undefined && this.store.get(id)?.request.providerId !== providerId) continue;
      this.scouts.forget(id);
      this.followSchedule(id);
    }
  }

  /** A job that waited for the scouts is looked at on the usual schedule from now. */
  private followSchedule(id: string): void {
    // the queued state it has is its submission's: as old as the wait, it has likely started since
    this.memories.of(id).queuedAt = undefined;
    const job = this.store.get(id);
    if (job && needsPolling(job) && !this.rounds.isInRound(id)) this.scheduleNext(job);
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
  }

  /** Keeps what a queued or running state says about the finish, for the timing of the next look. */
  noteProgress(id: string, state: ProgressState): void {
    const memory = this.memories.of(id);
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
    const memory = this.memories.of(id);
    memory.consecutiveErrors = attempts;
    // fresh URLs come from the job's own request, on its own back-off, not from every list round
    if (memory.batch) memory.batch = 'alone';
  }

  scheduleNext(job: JobRecord): void {
    // a held request that waited its term without an end: the next one goes at once
    if (this.held.takeHoldAgain(job.id)) return this.scheduler.schedule(job.id, 0);
    const delay = this.delayFor(job);
    // a job the provider's list covers is looked at again by its next round, which the round in flight sets
    if (!this.rounds.takeLook(job.id, delay)) this.scheduler.schedule(job.id, delay);
  }

  /** How long the job would wait before its next look, polled by itself. */
  private delayFor(job: JobRecord): number {
    const memory = this.memories.of(job.id);
    const policy = this.policy();
    const now = Date.now();
    const role = this.scoutRole(job);
    const inputs: PollInputs = {
      ageMs: now - job.createdAt,
      etaMs: memory.etaMs,
      etaUncertainty: memory.etaUncertainty,
      quietUntilAgeMs: this.quietUntilAge(job, memory),
      typicalDurationMs: this.durations.typicalDurationMs(job.request),
      retryAfterMs: memory.retryAfterMs,
      consecutiveErrors: memory.consecutiveErrors,
      focused: this.focused,
      // seen queued by this window (a submission's answer counts); not a state from before a reload or a wait for the scouts
      queued: job.status === 'queued' && memory.queuedAt !== undefined,
      awaitingRate: job.status === 'running' && memory.progressStart !== undefined && memory.etaMs === undefined,
      scout: role === 'scout',
      phased: memory.phased,
      random: this.options.random(),
    };
    const delay = nextPollDelay(inputs, policy);
    // a guess from the age sets the phase (jittered once); a look timed otherwise (an estimate, a back-off
    // with its Retry-After, the wait for the scouts) leaves the next one to set it
    memory.phased = guessesFromAge(inputs) && role !== 'waiting';
    // a job of a new kind beyond the scouts waits for its first result (kindFinishedOne), at most the longest interval
    return role === 'waiting' ? Math.max(delay, policy.maxIntervalMs * (this.focused ? 1 : policy.unfocusedMultiplier)) : delay;
  }

  /**
   * The job's age at which its quiet period ends, counted from its known start where the provider
   * reports queue time; a job last seen queued has yet to start, so not before that look + the period.
   * None where the provider reports progress: a look before the job can end is not wasted there, as
   * its reading turns the guess into an estimate (and the row shows progress). On the bench's TAMS
   * batch, a quiet period saved 0.4 requests a job and cost 80% more lag at p95 (54% against 30%),
   * 1.3× the blind optimum's requests at that lag instead of 1.05×.
   */
  private quietUntilAge(job: JobRecord, memory: PollMemory): number {
    const quietMs = providerInfo(job.request.providerId).reportsProgress ? 0 : this.durations.quietPeriodMs(job.request);
    if (quietMs === 0) return 0;
    const start =
      job.status === 'queued' && providerInfo(job.request.providerId).reportsQueueTime
        ? (memory.queuedAt ?? job.createdAt)
        : durationStart(job);
    return start - job.createdAt + quietMs;
  }

  /**
   * A job of a kind nobody has timed yet, at a provider blind to progress: a scout (looked at until the
   * kind's first result) or one beyond the scouts, which waits for it. Undefined once the kind is timed
   * (scouting a timed kind's new batch too was tried and dropped: README, Benchmark).
   */
  private scoutRole(job: JobRecord): 'scout' | 'waiting' | undefined {
    const { providerId } = job.request;
    if (
      providerInfo(providerId).reportsProgress ||
      this.held.watches(providerId) ||
      this.held.hasWatched(job.id) ||
      !this.durations.isNew(job.request)
    )
      return undefined;
    return this.scouts.roleOf(durationKey(job.request), job.id);
  }

  private policy(): PollPolicyOptions {
    return this.options.pollPolicy?.() ?? DEFAULT_POLL_POLICY;
  }

  dispose(): void {
    this.scheduler.dispose();
    this.held.dispose();
  }

  private async pollOnce(id: string): Promise<void> {
    // a job is never asked about before its provider id is on disk: a crash now would otherwise lose it
    await this.store.stored(id).catch(() => undefined);
    const job = this.store.get(id);
    if (!job || !job.remoteId || isTerminal(job.status)) return;
    if (this.held.isOpen(id)) return; // a held request is looking at it already
    if (!(await this.outcomes.holdsLease(id))) return;
    if (await this.failedTooOld(job)) return;
    try {
      const { provider, context } = await this.calls.access(job.request.providerId);
      this.showPause(job);
      if (provider.pollMany && this.memories.of(id).batch !== 'alone') {
        await this.rounds.run(job, provider, context);
        return;
      }
      // a held request (SubModel's /status-sync) is the look when one can start; else a plain poll
      if (!this.held.start(job, provider, context))
        await this.applyPolled(job, await this.calls.call(job.request.providerId, 'poll', () => provider.poll(job.remoteId!, context)));
    } catch (error) {
      await this.handlePollError(id, error, this.memories.of(id));
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
   * A look that will wait for its provider's pause after a 429 (another job's, often) says so on the
   * job, until its answer clears it: a row that stops moving has a reason and an end. A second or
   * less is not worth a flicker.
   */
  private showPause(job: JobRecord): void {
    const until = this.calls.pausedUntil(job.request.providerId, 'poll');
    if (until - Date.now() < 1000) return;
    const warning = `Rate limited by ${providerInfo(job.request.providerId).displayName}: checking again at ${formatClock(until)}`;
    this.store.change(job.id, () => ({ warning }));
  }

  private async applyPolled(job: JobRecord, state: RemoteJobState): Promise<void> {
    answered(this.memories.of(job.id));
    // the record as it is now: a warning may have been set while the look was on its way
    if (this.store.get(job.id)?.warning) await this.store.update(job.id, () => ({ warning: undefined }));
    await this.outcomes.applyState(job.id, state);
  }

  /** How long the job's provider keeps its results, as the job was sent (goneResult.ts). */
  private lifetimeOf(job: JobRecord): Promise<number | undefined> {
    return this.calls.access(job.request.providerId).then(
      ({ provider, context }) => resultLifetimeOf(job, provider, context),
      () => job.resultLifetimeMs, // the provider answered, so its access works; if not now, only what the job recorded
    );
  }

  private async handlePollError(id: string, error: unknown, memory: PollMemory): Promise<void> {
    const current = this.store.get(id);
    if (this.calls.closed || !current || isTerminal(current.status)) return;
    const message = describeError(error);
    if (isProviderError(error) && error.kind === 'notFound') {
      const gone = { ...goneAt(current.request.providerId), answer: httpAnswer(message) };
      const lifetimeMs = await this.lifetimeOf(current);
      const ageMs = Date.now() - current.createdAt;
      // the provider removed it, most likely once its results expired: asking again cannot bring it back
      if (lifetimeMs === undefined || ageMs >= lifetimeMs) {
        await this.outcomes.applyState(id, { status: 'expired', reason: goneJobMessage({ ...gone, lifetimeMs }) });
        return;
      }
      // too young to have expired: an answer its provider should not give (a proxy, a replica yet to see
      // the job), which may not repeat. Looked at again; ended as a failed look, whose Retry asks about
      // the same job again rather than sending (and billing) a second one
      if (++memory.unexpectedAnswers >= this.options.maxUnexpectedAnswers) {
        const reason = notExpiredMessage({ ...gone, lifetimeMs, ageMs, answers: memory.unexpectedAnswers, remoteId: current.remoteId });
        await this.outcomes.fail(id, { message: reason, phase: 'poll', retryable: true, ...failureOrigin(error) });
        return;
      }
      await this.lookAgain(id, memory, error, message, `${formatDuration(ageMs)} after it was sent`);
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
      await this.lookAgain(id, memory, error, message);
      return;
    }
    await this.outcomes.fail(id, { message, phase: 'poll', retryable: true, ...failureOrigin(error) });
  }

  /**
   * A look that failed for now: the next one backs off (and honours a Retry-After); the row shows why.
   * `context`: what else the log line should say of the answer.
   */
  private async lookAgain(id: string, memory: PollMemory, error: ProviderError, message: string, context?: string): Promise<void> {
    memory.looked = true;
    memory.consecutiveErrors++;
    memory.retryAfterMs = error.details.retryAfterMs;
    const said = context ? `, ${context}` : '';
    this.log.warn(`[poll] ${id}: ${describeForLog(error)}${said} (attempt ${memory.consecutiveErrors}, backing off)`);
    const job = await this.store.update(id, () => ({ warning: message }));
    if (job) this.scheduleNext(job);
  }
}
