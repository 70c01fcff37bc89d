// List rounds: one request refreshes many jobs of a provider that has one (Serika's GET /jobs, the
// Sandbox's POST /v1/jobs/status). Which jobs a round takes along, what each answer means for its job,
// and when the members are looked at next (listRounds.ts has the arithmetic). Everything else about
// a look (its errors, its state) goes back through the poller.
import { describeForLog, isProviderError, type ProviderError } from '../errors';
import { needsPolling, type JobRecord } from '../jobModel';
import type { BatchPollResult, ImageProvider, ProviderContext, RemoteJobState } from '../providers/types';
import type { DurationHistory } from './durationHistory';
import { logRawAnswer, type JobLogger } from './jobLog';
import type { JobStore } from './jobStore';
import { changesNothing, nextRoundDelay, type JobLook } from './listRounds';
import { answered, type PollMemories, type PollMemory } from './pollMemory';
import type { PollPolicyOptions } from './pollPolicy';
import type { PollScheduler } from './pollScheduler';
import type { ProviderCalls } from './providerCalls';

/**
 * A round asks again whether this window still holds a member's lease no more often than this. Held
 * leases are renewed by their own heartbeat (jobLeases.ts); a check per member per round would cost
 * a thousand lease files' reads a few times a second.
 */
const ROUND_LEASE_RECHECK_MS = 10_000;

/** A list request's failures that are about the list, not the jobs in it (a 5xx or a timeout is neither). */
const LIST_ANSWERS_NOTHING_ABOUT_JOBS: ReadonlySet<ProviderError['kind']> = new Set(['malformed', 'notFound', 'badRequest']);

/**
 * A batch request that answers only for the ids it is sent takes along the jobs due within this
 * share of the longest interval: each answer read is work, and with a thousand jobs waiting that
 * work is the cost.
 */
const ASKED_BATCH_HORIZON = 1 / 3;

/** What a round uses of the poller: its parts, and a single look's handling of answers and errors. */
export interface RoundHost {
  readonly store: JobStore;
  readonly calls: ProviderCalls;
  readonly scheduler: PollScheduler;
  readonly durations: DurationHistory;
  readonly memories: PollMemories;
  readonly log: JobLogger;
  policy(): PollPolicyOptions;
  focused(): boolean;
  holdsLease(id: string): Promise<boolean>;
  /** Fails the job when it is older than allowed; true when it did. */
  failedTooOld(job: JobRecord): Promise<boolean>;
  /** How long the job would wait before its next look, polled by itself. */
  delayFor(job: JobRecord): number;
  /** Schedules the job's next look by itself. */
  scheduleNext(job: JobRecord): void;
  applyPolled(job: JobRecord, state: RemoteJobState): Promise<void>;
  handlePollError(id: string, error: unknown, memory: PollMemory): Promise<void>;
}

export class PollRounds {
  /** Jobs inside a list round right now, so a concurrent round does not poll them again. */
  private readonly batched = new Set<string>();
  /** Jobs whose next look the round in flight sets: the delay each would wait alone, once known. */
  private readonly roundLooks = new Map<string, number | undefined>();

  constructor(private readonly host: RoundHost) {}

  /** A round holds the job now: its next look is the round's to set. */
  isInRound(id: string): boolean {
    return this.batched.has(id);
  }

  /**
   * The next look the job would take alone, when the round in flight sets its next look; false when
   * no round holds it (the caller schedules it).
   */
  takeLook(id: string, delayMs: number): boolean {
    if (!this.roundLooks.has(id)) return false;
    this.roundLooks.set(id, delayMs);
    return true;
  }

  /**
   * One request refreshes the unfinished jobs of the trigger's provider: every one a list of recent
   * jobs may cover, or, where the request names the ids (pollManyAsks), those due soon. A job whose
   * state the answer cannot give in full (finished: the result is not in the list), or that it does
   * not hold, is asked alone from then on, as a single poll. The next round comes when the jobs, each
   * alone, would have been looked at (nextRoundDelay). A job another round holds is left to it.
   */
  async run(trigger: JobRecord, provider: ImageProvider, context: ProviderContext): Promise<void> {
    if (this.batched.has(trigger.id)) return;
    const providerId = trigger.request.providerId;
    const joins = this.roundMembership(provider);
    const candidates = [trigger];
    for (const other of this.host.store.values())
      if (other.id !== trigger.id && other.request.providerId === providerId && this.mayJoinRound(other) && joins(other))
        candidates.push(other);
    // marked before the first await: a round formed meanwhile must not take them too
    for (const candidate of candidates) this.batched.add(candidate.id);
    const members: JobRecord[] = [];
    try {
      const held = await Promise.all(candidates.map((candidate) => candidate === trigger || this.stillHeld(candidate.id)));
      const tooOld = await Promise.all(
        candidates.map((candidate, index) => held[index] && candidate !== trigger && this.host.failedTooOld(candidate)),
      );
      candidates.forEach((candidate, index) => {
        if (held[index] && !tooOld[index]) members.push(candidate);
        else this.batched.delete(candidate.id);
      });
    } catch (error) {
      for (const candidate of candidates) this.batched.delete(candidate.id);
      throw error;
    }
    for (const member of members) this.host.scheduler.unschedule(member.id);
    let results: Map<string, BatchPollResult>;
    try {
      results = await this.host.calls.call(providerId, 'poll', () =>
        provider.pollMany!(
          members.map((member) => member.remoteId!),
          context,
        ),
      );
    } catch (error) {
      for (const member of members) this.batched.delete(member.id);
      if (isProviderError(error) && LIST_ANSWERS_NOTHING_ABOUT_JOBS.has(error.kind)) return this.askAloneFromNowOn(members, error);
      // the list could not be reached: every member as if its own poll had failed; the first to come due retries it for all
      await Promise.all(members.map((member) => this.host.handlePollError(member.id, error, this.host.memories.of(member.id))));
      return;
    }
    const applied = members.map((member) => this.applyRoundResult(member, results.get(member.remoteId!), member === trigger));
    // each member's next look is known once its state is in memory: the next round need not wait for the disk
    this.scheduleRound(members, provider.pollManyAsks === true);
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
    logRawAnswer(this.host.log, 'the list', 'poll', error);
    this.host.log.warn(`[poll] ${describeForLog(error)}; its ${members.length} job(s) are asked one by one from now on`);
    for (const member of members) {
      this.host.memories.of(member.id).batch = 'alone';
      this.host.scheduler.schedule(member.id, 0);
    }
  }

  private async stillHeld(id: string): Promise<boolean> {
    const memory = this.host.memories.of(id);
    if (memory.leaseHeldAt !== undefined && Date.now() - memory.leaseHeldAt < ROUND_LEASE_RECHECK_MS) return true;
    const held = await this.host.holdsLease(id);
    // the job may have ended meanwhile (another window's outcome adopted): its memory is gone then
    if (held) this.host.memories.of(id).leaseHeldAt = Date.now();
    return held;
  }

  /**
   * Which other jobs a round takes along: a list of recent jobs answers for all of them at one
   * request's cost; a request for the ids sent, only for those due soon (each keeps its own time).
   */
  private roundMembership(provider: ImageProvider): (job: JobRecord) => boolean {
    if (!provider.pollManyAsks) return () => true;
    const horizon = Date.now() + this.host.policy().maxIntervalMs * ASKED_BATCH_HORIZON;
    return (job) => (this.host.scheduler.dueAt(job.id) ?? 0) <= horizon;
  }

  private mayJoinRound(job: JobRecord): boolean {
    return needsPolling(job) && !this.batched.has(job.id) && this.host.memories.peek(job.id)?.batch !== 'alone';
  }

  /**
   * One member's part of a round's answer. A job only its own request can tell about is polled alone,
   * where its answer and errors count as any single poll's: at once when the list shows it finished
   * (its result is waiting) or it triggered the round (it was due); otherwise, not being in the list,
   * when it would be due.
   */
  private async applyRoundResult(job: JobRecord, result: BatchPollResult | undefined, isTrigger: boolean): Promise<void> {
    const memory = this.host.memories.of(job.id);
    if (!result || 'askAlone' in result) {
      memory.batch = 'alone';
      if (result || isTrigger) this.host.scheduler.schedule(job.id, 0);
      else this.host.scheduleNext(job);
      return;
    }
    memory.batch = 'listed';
    const current = this.host.store.get(job.id) ?? job;
    if (changesNothing(current, result.state)) {
      answered(memory);
      this.roundLooks.set(job.id, this.host.delayFor(current));
      return;
    }
    // set by scheduleNext as the manager applies the state (in memory at once, before it awaits the disk)
    this.roundLooks.set(job.id, undefined);
    try {
      await this.host.applyPolled(current, result.state);
    } catch (error) {
      // as a single poll's would: the job is no longer the round's to schedule
      this.roundLooks.delete(job.id);
      await this.host.handlePollError(job.id, error, memory);
    }
  }

  /**
   * Every member a list of recent jobs still covers is due at the same moment: the first timer to fire
   * lists them all. Members of a request for the ids sent each come due at their own time. A member whose next look is not known yet (its state still on its way: a warning to clear
   * first) schedules itself when it is, as any job does.
   */
  private scheduleRound(members: readonly JobRecord[], eachOnItsOwn: boolean): void {
    const now = Date.now();
    const looks: (JobLook & { readonly id: string })[] = [];
    for (const member of members) {
      const job = this.host.store.get(member.id);
      const delayMs = this.roundLooks.get(member.id);
      if (!job || !needsPolling(job) || delayMs === undefined) continue;
      const quietLeft = this.host.durations.quietPeriodMs(job.request) - (now - job.createdAt);
      looks.push({ id: job.id, delayMs, waiting: quietLeft > 0 && this.host.memories.of(job.id).consecutiveErrors === 0 });
    }
    if (eachOnItsOwn) {
      for (const { id, delayMs } of looks) this.host.scheduler.schedule(id, delayMs);
      return;
    }
    const policy = this.host.policy();
    const delay = nextRoundDelay(looks, policy.minIntervalMs * (this.host.focused() ? 1 : policy.unfocusedMultiplier));
    if (delay !== undefined) for (const { id } of looks) this.host.scheduler.schedule(id, delay);
  }
}
