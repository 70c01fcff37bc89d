// Runs jobs end to end: record → submit → poll → download → save. The job is persisted before it is
// submitted and again the moment the provider returns its id, so a crash or reload never loses it.
// This file is the job's lifecycle and its leases: the submitter sends a job, the poller decides when
// to look at it, and the saver turns a result into files; each hands back what happened, and every
// change of state is decided here. (Over 300 lines on purpose: the transitions read best together.)
import { randomUUID } from 'node:crypto';
import { describeError, describeForLog, isProviderError } from '../errors';
import type { Disposable } from '../events';
import { jobLogName, type JobLogger } from './jobLog';
import {
  isTerminal,
  needsNewJob,
  needsPolling,
  WAITING_ITS_TURN,
  type GenerationRequest,
  type JobError,
  type JobRecord,
  type JobSource,
  type OutputTarget,
  type ProviderId,
  type SweepCell,
} from '../jobModel';
import type { JobStore } from './jobStore';
import { DurationHistory } from './durationHistory';
import type { PollPolicyOptions } from './pollPolicy';
import { JobPoller } from './jobPoller';
import { ProviderCalls, type ProviderAccess } from './providerCalls';
import type { ProviderLimits } from '../providers/providerGate';
import type { JobLeases } from './jobLeases';
import type { RemoteJobState, RemoteOutput } from '../providers/types';
import { ResultSaver, type AssetSink } from '../results/resultSaver';
import { JobSubmitter } from './jobSubmitter';
import { JobTransitionLog } from './jobTransitionLog';
import { sendAgainRisk, type SendAgain } from './sendAgain';

export type { ProviderAccess } from './providerCalls';
export type { AssetSink } from '../results/resultSaver';
export type { JobLogger } from './jobLog';

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
  /** How long a held status request is asked to wait (providers that have one, when enabled). */
  readonly heldWaitMs?: number;
  readonly random?: () => number;
  /** Overrides the documented per-provider limits (benchmarks, tests). */
  readonly providerLimits?: Partial<Record<ProviderId, ProviderLimits>>;
  /** Shared with other windows on the same workspace, so one of them tracks each job. */
  readonly leases?: JobLeases;
}

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
  // under the 60 s idle timeout common to proxies and load balancers, within RunPod's SDK's 1–90 s
  heldWaitMs: 30_000,
};

export class JobManager implements Disposable {
  private readonly calls: ProviderCalls;
  private readonly poller: JobPoller;
  private readonly saver: ResultSaver;
  private readonly submitter: JobSubmitter;
  private readonly durations: DurationHistory;
  private readonly leases?: JobLeases;
  /** Jobs this window recorded and is sending (a sweep's cells too, while they wait their turn). */
  private readonly sendingHere = new Set<string>();

  constructor(
    private readonly store: JobStore,
    access: ProviderAccess,
    sink: AssetSink,
    private readonly log: JobLogger,
    options: JobManagerOptions = {},
  ) {
    const settings = { ...DEFAULTS, ...options };
    this.leases = options.leases;
    this.calls = new ProviderCalls(access, options.providerLimits, log);
    new JobTransitionLog(store, log, this.calls.closing); // every state change reaches the log, until dispose()
    this.durations = DurationHistory.fromJobs(store.values());
    // what the poller and the submitter hand back: the lifecycle's decisions stay here
    const outcomes = {
      holdsLease: (id: string) => this.holdsLease(id),
      applyState: (id: string, state: RemoteJobState) => this.applyState(id, state),
      fail: (id: string, error: JobError) => this.fail(id, error),
    };
    this.poller = new JobPoller(store, this.calls, this.durations, log, outcomes, { ...settings, random: options.random ?? Math.random });
    this.saver = new ResultSaver(this.calls, sink, settings);
    this.submitter = new JobSubmitter(store, this.calls, log, outcomes, settings.maxSubmitAttempts);
  }

  /** Set by dispose(): in-flight work ends without touching the store or the disk (a closing window). */
  private get disposed(): boolean {
    return this.calls.closed;
  }

  /** Picks up jobs left unfinished by a previous window. */
  resume(): void {
    const submitting: JobRecord[] = [];
    for (const job of this.store.all()) {
      if (job.status === 'submitting') submitting.push(job);
      else if (needsPolling(job) || job.status === 'downloading') this.poller.schedule(job.id, 0);
    }
    // a sweep's cells go on as it sent them, one after another in cell order (submitBatch); other jobs at once
    for (const jobs of inSendingOrder(submitting))
      void (async () => {
        for (const job of jobs) await this.submitter.resume(job);
      })();
  }

  setFocused(focused: boolean): void {
    this.poller.setFocused(focused);
  }

  /** Records the job, then submits it; resolves with the job id once the job is recorded and submitted (or failed). */
  async submit(request: GenerationRequest, source: JobSource, output: OutputTarget, sweep?: SweepCell): Promise<string> {
    return this.record(this.newJob(request, source, output, sweep));
  }

  /** A new job: recorded (its store write starts before the first await), then sent. */
  private async record(job: JobRecord): Promise<string> {
    // a new id: this window takes it, while the record goes to disk
    this.sendingHere.add(job.id);
    await Promise.all([this.store.put(job), this.holdsLease(job.id)]);
    // recorded, so it ends one way or another: a batch that starts learns from the last jobs submitted
    this.durations.submitted(job);
    this.logRecorded(job);
    await this.send(job);
    return job.id;
  }

  private logRecorded(job: JobRecord): void {
    const params = Object.keys(job.request.params).length ? JSON.stringify(job.request.params) : "(the provider's defaults)";
    this.log.info(`[jobs] ${jobLogName(job)} recorded: ${job.request.providerId}/${job.request.model} ${params}`);
  }

  /**
   * A sweep's jobs, as one batch: all recorded in one store write, then sent one after another, in
   * cell order. Resolves with their ids, in the cells' order, once they are recorded; `sent`
   * once each is submitted (or failed).
   */
  async submitBatch(
    cells: readonly { readonly request: GenerationRequest; readonly output: OutputTarget; readonly cell: Omit<SweepCell, 'batchId'> }[],
    source: JobSource,
  ): Promise<{ readonly batchId: string; readonly ids: readonly string[]; readonly sent: Promise<void> }> {
    const batchId = randomUUID();
    const batchCreatedAt = Date.now();
    // the cells behind the first wait their turn: recorded so in the batch's one write, so a reload
    // sends them (the submitter removes it, on disk, before each request goes)
    const jobs = cells.map(({ request, output, cell }, index): JobRecord => ({
      ...this.newJob(request, source, output, { batchId, ...cell }),
      batchCreatedAt,
      ...(index > 0 ? { waitingToSend: WAITING_ITS_TURN } : {}),
    }));
    for (const job of jobs) this.sendingHere.add(job.id);
    // put() joins changes made while a write is pending: the whole batch is one write, while this window takes the ids
    await Promise.all(jobs.flatMap((job) => [this.store.put(job), this.holdsLease(job.id)]));
    // all of them before the first is sent: one batch
    for (const job of jobs) this.durations.submitted(job);
    this.log.info(`[jobs] batch ${batchId}: ${jobs.length} jobs recorded, sweeping ${cells[0]?.cell.keys.join(' × ') ?? 'nothing'}`);
    // each as it is recorded, not as its turn comes: a cell cancelled before then is no less recorded
    for (const job of jobs) this.logRecorded(job);
    // one at a time, in cell order: the provider queues them as they arrive, and submits in flight
    // together arrive in any order (the Sandbox ran cell 18 while cells 4 to 17 waited)
    const sent = (async () => {
      for (const job of jobs) await this.sendInTurn(job);
    })();
    return { batchId, ids: jobs.map((job) => job.id), sent };
  }

  private newJob(request: GenerationRequest, source: JobSource, output: OutputTarget, sweep: SweepCell | undefined): JobRecord {
    const now = Date.now();
    return {
      id: randomUUID(),
      idempotencyKey: randomUUID(),
      request,
      source,
      output,
      ...(sweep ? { sweep } : {}),
      createdAt: now,
      updatedAt: now,
      status: 'submitting',
      assets: [],
    };
  }

  /**
   * A sweep's cell, sent before the next one goes: until it is sent (or failed), or until it stops
   * being submitted (cancelled, removed). A request the user gave up on may hang until it times out
   * (30 s), and the cells behind it need not wait for that.
   */
  private sendInTurn(job: JobRecord): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        subscription.dispose();
        resolve();
      };
      const subscription = this.store.onDidChange((change) => {
        if (change.kind === 'remove' ? change.id === job.id : change.job.id === job.id && change.job.status === 'cancelled') done();
      });
      void this.send(job).then(done, done);
    });
  }

  /** A recorded job goes to its provider. */
  private async send(job: JobRecord): Promise<void> {
    try {
      await this.submitter.send(job);
    } finally {
      this.sendingHere.delete(job.id);
    }
  }

  /**
   * Whether this window works on the job now. Without the lease it adopts the outcome another window
   * recorded, or looks again later. A lease store that fails (disk) does not stop the job.
   */
  private async holdsLease(id: string): Promise<boolean> {
    const leases = this.leases;
    if (!leases) return true;
    try {
      if (await leases.acquire(id)) return true;
      const outcome = await leases.outcome(id);
      if (this.disposed) return false;
      if (outcome) {
        this.log.info(`[jobs] ${id} was finished by another window (${outcome.status})`);
        this.forget(id);
        await this.store.update(id, () => ({
          ...outcome,
          progress: undefined,
          queuePosition: undefined,
          queueLength: undefined,
          warning: undefined,
          waitingToSend: undefined,
        }));
      } else {
        await this.store.update(id, () => ({ warning: 'Tracked by another window on this workspace' }));
        this.poller.schedule(id, LEASE_RECHECK_MS);
      }
      return false;
    } catch (error) {
      this.log.warn(`[jobs] ${id}: job lease unavailable (${describeError(error)}); tracking it here`);
      return true;
    }
  }

  /**
   * Asks the provider to stop the job, and ends it here. A provider with no cancel endpoint cannot be
   * asked: the job is marked `cancelledLocally`, as it may still run (and be charged) there.
   */
  async cancel(id: string): Promise<void> {
    const job = this.store.get(id);
    if (!job || isTerminal(job.status)) return;
    this.poller.unschedule(id);
    const sending = !job.remoteId && job.status === 'submitting' && this.mayHaveArrived(job);
    const cancelledLocally = await this.cancelAtProvider(job, sending);
    await this.finish(id, {
      status: 'cancelled',
      ...(cancelledLocally ? { cancelledLocally } : {}),
      ...(sending ? { cancelledWhileSending: true } : {}),
    });
  }

  /**
   * A job being submitted, its provider's id not back: whether the provider may have it. This window
   * knows the jobs it sends (a request on its way, or an earlier attempt that may have arrived; not a
   * sweep's cell waiting its turn). Of another window's, or one a closed window left mid-submit, only
   * one waiting to be sent (for a time, or its turn) is known to have nothing there: its wait is removed
   * before the request goes.
   */
  private mayHaveArrived(job: JobRecord): boolean {
    return this.sendingHere.has(job.id) ? this.submitter.mayHaveArrived(job.id) : !job.waitingToSend;
  }

  /** True when the provider may have the job and cannot be asked to stop it. */
  private async cancelAtProvider(job: JobRecord, sending: boolean): Promise<true | undefined> {
    const { id, remoteId } = job;
    if (!remoteId) {
      // a submission on its way reaches the provider anyway: the submitter cancels it once its id is
      // back, where the provider has a cancel; without one, it runs
      if (!sending) return undefined;
      const provider = await this.calls.access(job.request.providerId).then(
        (resolved) => resolved.provider,
        () => undefined, // nothing can be sent without access either
      );
      return provider && !provider.cancel ? this.stoppedTracking(job) : undefined;
    }
    try {
      const { provider, context } = await this.calls.access(job.request.providerId);
      if (!provider.cancel) return this.stoppedTracking(job);
      await this.calls.call(job.request.providerId, 'cancel', () => provider.cancel!(remoteId, context));
    } catch (error) {
      this.log.warn(`[jobs] ${id} cancel request failed: ${describeForLog(error)}`);
      if (!(isProviderError(error) && error.kind === 'badRequest')) throw error;
    }
    return undefined;
  }

  private stoppedTracking(job: JobRecord): true {
    const remote = job.remoteId ? `its job ${job.remoteId}` : 'the job being submitted';
    this.log.warn(
      `[jobs] ${job.id}: ${job.request.providerId} has no cancel endpoint; tracking stopped here, ${remote} may still run there (and be charged)`,
    );
    return true;
  }

  /**
   * Resumes a job whose polling, download or save failed (the provider may still have it), otherwise
   * submits its request again as a new job that replaces it: so does a job whose result file was gone
   * (a new look would give the same dead link) or that its provider no longer has (expired). Returns
   * the id of the job that now carries on.
   */
  async retry(id: string): Promise<string> {
    // first: what follows reads the job as it is once this is known (its provider's id may come back meanwhile)
    const sameKey = (await this.sendAgainRisk(id)) === 'sameKey';
    const job = this.store.get(id);
    if (!job) throw new Error(`no job ${id}`);
    // never a job its provider no longer has (a 404 on its status) or whose result file is gone: asking
    // again about the same id or link cannot help, and sending anew cannot make a second one
    const resumable =
      job.remoteId &&
      !needsNewJob(job) &&
      ((job.status === 'failed' && job.error && ['poll', 'download', 'save'].includes(job.error.phase)) ||
        // only stopped being tracked (its provider has no cancel): it may still run there, and resubmitting
        // would make (and bill) a second one; tracking it again finds its result
        (job.status === 'cancelled' && job.cancelledLocally));
    if (resumable) {
      // the failure was recorded for other windows; left there, the next lease check would adopt it again
      await this.leases?.reopen(id).catch((error) => this.log.warn(`[jobs] ${id}: could not reopen its outcome (${describeError(error)})`));
      await this.store.update(id, () => ({
        status: 'running',
        error: undefined,
        warning: undefined,
        finishedAt: undefined,
        cancelledLocally: undefined,
        cancelledWhileSending: undefined,
      }));
      this.forget(id);
      if (job.resultAt === undefined) this.durations.resumed(job);
      this.poller.schedule(id, 0);
      return id;
    }
    // The new job replaces the old: one row, not two. The old record holds nothing the new one lacks
    // (request, source, output; its reason is in the log), and keeping it hidden but linked would be
    // one more state for every view and window to respect. record() puts the new job before its first
    // await, so the removal joins that same store write: never neither, never both on disk.
    // a cell of a sweep stays in its batch, in its place. A job cancelled on its way to a provider that
    // takes the idempotency key goes with the same key: the provider answers with the first, if it has it
    // (a record from before batchCreatedAt: the old cell's own time is as near as can be known)
    const batch = job.sweep ? { batchCreatedAt: job.batchCreatedAt ?? job.createdAt } : {};
    const next = { ...this.newJob(job.request, job.source, job.output, job.sweep), ...batch };
    const [nextId] = await Promise.all([this.record(sameKey ? { ...next, idempotencyKey: job.idempotencyKey } : next), this.remove(id)]);
    const key = sameKey ? ', with its idempotency key' : '';
    this.log.info(`[jobs] ${id} (${job.status}) was submitted again as ${nextId}${key}, which replaces it`);
    return nextId;
  }

  /**
   * What a Retry of the job risks at its provider: a job cancelled on its way there may have reached it
   * (sendAgain.ts). The VS Code side asks before a Retry that may make a second job.
   */
  async sendAgainRisk(id: string): Promise<SendAgain> {
    const before = this.store.get(id);
    if (!before) return 'safe';
    const idempotent = await this.calls.isIdempotent(before.request.providerId);
    // as it is now: the provider's id may have come back meanwhile
    const job = this.store.get(id);
    return job ? sendAgainRisk(job, idempotent) : 'safe';
  }

  async remove(id: string): Promise<void> {
    this.poller.unschedule(id);
    this.forget(id);
    await this.store.remove(id);
  }

  /** Polls every unfinished job now (manual refresh). */
  refreshAll(): void {
    for (const job of this.store.all()) if (needsPolling(job)) this.poller.schedule(job.id, 0);
  }

  /** What the provider says about a job, from a submit or a poll. */
  private async applyState(id: string, state: RemoteJobState): Promise<void> {
    // a cancel or remove may have landed while the request was in flight: it wins
    const current = this.store.get(id);
    if (this.disposed || !current || isTerminal(current.status)) return;
    switch (state.status) {
      case 'queued':
      case 'running': {
        this.poller.noteProgress(id, state);
        const { job, saved } = this.store.change(id, (current) => ({
          credits: state.credits ?? current.credits,
          ...(state.status === 'queued'
            ? { status: 'queued', queuePosition: state.queuePosition, queueLength: state.queueLength }
            : {
                status: 'running',
                progress: state.progress,
                queuePosition: undefined,
                queueLength: undefined,
                startedAt: current.startedAt ?? startOf(current, state.queuedMs),
              }),
        }));
        // the next look need not wait for the change to reach the disk
        if (job) this.poller.scheduleNext(job);
        await saved;
        return;
      }
      case 'succeeded': {
        const resultAt = current.resultAt ?? Date.now();
        // a job first seen done has its start from the answer too
        const timed: JobRecord = {
          ...current,
          startedAt: current.startedAt ?? (state.queuedMs === undefined ? undefined : startOf(current, state.queuedMs)),
          runMs: current.runMs ?? state.runMs,
        };
        // tells the poller when such jobs start to finish: a new kind's scouts have done their work
        if (current.resultAt === undefined) {
          this.durations.record(timed, resultAt);
          this.poller.kindFinishedOne(current);
        }
        await this.store.update(id, (current) => ({
          status: 'downloading',
          progress: 1,
          queuePosition: undefined,
          credits: state.credits ?? current.credits,
          startedAt: timed.startedAt,
          runMs: timed.runMs,
          resultAt,
        }));
        // downloads wait for their own slots; the poll that found the result must not hold a scheduler slot meanwhile
        void this.saveResults(id, state.outputs).catch((error) => this.log.error(`[download] ${id}: ${describeError(error)}`));
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

  /** Saves a finished job's outputs; a failure that fresh result URLs may cure sends the job back to polling. */
  private async saveResults(id: string, outputs: readonly RemoteOutput[]): Promise<void> {
    const job = this.store.get(id);
    if (!job) return;
    if (outputs.length === 0) {
      await this.finish(id, {
        status: 'failed',
        error: { message: 'The provider reported success but returned no images.', phase: 'provider', retryable: false },
      });
      return;
    }
    const outcome = await this.saver.save(job, outputs);
    const now = this.store.get(id);
    if (outcome.kind !== 'closed' && now?.status !== 'downloading') {
      // cancelled or removed while its files were on their way: the user's choice wins, and no files
      // of a job they let go stay behind
      this.saver.forget(id);
      if (outcome.kind === 'saved') await this.saver.discard(job, outcome.assets);
      this.log.info(`[jobs] ${id} was ${now ? now.status : 'removed'} while its result was being saved; its files were not kept`);
      return;
    }
    switch (outcome.kind) {
      case 'saved':
        await this.finish(id, { status: 'succeeded', assets: outcome.assets });
        return;
      case 'retry': {
        this.log.warn(`[download] ${id}: ${outcome.message}; will poll again for fresh result URLs`);
        this.poller.backOffAfterDownloadFailures(id, outcome.attempts);
        const updated = await this.store.update(id, () => ({ status: 'running', warning: outcome.message }));
        if (updated) this.poller.scheduleNext(updated);
        return;
      }
      case 'failed':
        await this.fail(id, outcome.error);
        return;
      case 'closed':
        return;
    }
  }

  private async fail(id: string, error: JobError): Promise<void> {
    // as in applyState: a cancel that landed while the request was in flight wins over its failure
    const current = this.store.get(id);
    if (current && isTerminal(current.status)) {
      this.log.info(`[jobs] ${id} was ${current.status} before its request failed (${error.message}); it stays ${current.status}`);
      return;
    }
    await this.finish(id, { status: 'failed', error });
  }

  private async finish(id: string, change: Partial<JobRecord>): Promise<void> {
    if (this.disposed) return;
    this.poller.unschedule(id);
    this.forget(id);
    const job = await this.store.update(id, () => ({
      progress: undefined,
      queuePosition: undefined,
      queueLength: undefined,
      warning: undefined,
      waitingToSend: undefined,
      finishedAt: Date.now(),
      ...change,
    }));
    if (job && this.leases) {
      const { status, assets, error, finishedAt, remoteId, credits, cancelledLocally, cancelledWhileSending } = job;
      const flags = { ...(cancelledLocally ? { cancelledLocally } : {}), ...(cancelledWhileSending ? { cancelledWhileSending } : {}) };
      await this.leases
        .complete(id, { status, assets, error, finishedAt, remoteId, credits, ...flags })
        .catch((failure) => this.log.warn(`[jobs] ${id}: could not record the outcome for other windows (${describeError(failure)})`));
    }
  }

  /** The job ends or starts over: what polling and saving counted for it goes. */
  private forget(id: string): void {
    this.poller.forget(id);
    this.durations.ended(id);
    this.saver.forget(id);
  }

  dispose(): void {
    this.calls.close();
    this.poller.dispose();
  }
}

/** A running job's start: from the queue time the provider reports, else now (first seen running). */
/** Jobs to send again: each sweep's cells in one list, in cell order; every other job a list of its own. */
function inSendingOrder(jobs: readonly JobRecord[]): JobRecord[][] {
  const batches = new Map<string, JobRecord[]>();
  const alone: JobRecord[][] = [];
  for (const job of jobs) {
    if (!job.sweep) alone.push([job]);
    else if (batches.has(job.sweep.batchId)) batches.get(job.sweep.batchId)!.push(job);
    else batches.set(job.sweep.batchId, [job]);
  }
  const cellOrder = (a: JobRecord, b: JobRecord) => {
    const [p, q] = [a.sweep!.position, b.sweep!.position];
    const differs = p.findIndex((value, index) => value !== q[index]);
    return differs < 0 ? 0 : p[differs]! - q[differs]!;
  };
  return [...[...batches.values()].map((cells) => cells.sort(cellOrder)), ...alone];
}

function startOf(job: JobRecord, queuedMs: number | undefined): number {
  const now = Date.now();
  // a queue time the clocks make negative, or longer than the job has existed, is held to what is possible
  return queuedMs === undefined ? now : Math.max(job.createdAt, Math.min(now, job.createdAt + queuedMs));
}
