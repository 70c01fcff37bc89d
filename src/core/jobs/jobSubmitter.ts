// Sends a recorded job to its provider: the documented limits checked first, a failure classified
// (nothing sent, refused, maybe received, answered unreadably) and repeated only where that cannot make
// a second job. A wait before sending (a back-off, the provider's Retry-After after a 429) shows on the
// job with its reason and end, is kept on disk (`waitingToSend`) so a reload knows the job was never
// sent, and is never longer than MAX_SEND_WAIT_MS; a wait for its turn (a sweep's later cell, room in
// the provider's gate) is kept there too, without an end. What the provider answered goes back to the
// manager, which owns the job's state.
import { appendSentence, describeError, describeForLog, isProviderError, ProviderError } from '../errors';
import {
  formatClock,
  formatDuration,
  sendWaitOf,
  sendWaitText,
  WAITING_ITS_TURN,
  waitsItsTurn,
  type JobError,
  type JobRecord,
  type SendWait,
} from '../jobModel';
import { validateRequest } from '../providers/requestRules';
import { providerInfo } from '../providers/catalog';
import { blockingProblems, type RemoteJobState } from '../providers/types';
import { jobLogName, logRawAnswer, type JobLogger } from './jobLog';
import type { JobStore } from './jobStore';
import type { ProviderCalls } from './providerCalls';
import { canResubmit, failureOrigin, submitFailure, submitOutcome, type SubmitOutcome } from './submissionFailures';

export interface SubmissionOutcomes {
  holdsLease(id: string): Promise<boolean>;
  applyState(id: string, state: RemoteJobState): Promise<void>;
  fail(id: string, error: JobError): Promise<void>;
}

/**
 * The longest a submission waits to be sent, for its own back-off or its provider's Retry-After.
 * The providers' documents state their limits in windows of at most ten seconds (SubModel: per 10 s;
 * TAMS: 5 requests a second; Serika only says it answers 429), so a Retry-After within a minute is
 * such a window passing: the job waits it out, its row and the progress toast saying until when, and
 * is sent. A longer one is no burst limit but a quota or an account held back, which a spinner does
 * not cure: the job ends at once, saying until when and that the provider has nothing of it, so the
 * user decides (Retry later, another provider) instead of watching "submitting" for ten minutes. A
 * minute is also about as long as anyone watches a progress toast before taking it for hung.
 */
export const MAX_SEND_WAIT_MS = 60_000;

/** Why the next attempt waits, in this window. */
interface Backoff extends SendWait {
  /** The failed attempt it follows; none for a wait recorded by an earlier window. */
  readonly failure?: {
    readonly error: unknown;
    readonly outcome: SubmitOutcome;
    /** This attempt or an earlier one may have made the job at the provider (an idempotent repeat after a 5xx). */
    readonly mayExist: boolean;
  };
}

export class JobSubmitter {
  /** Jobs whose submit request is on its way now. */
  private readonly inFlight = new Set<string>();
  /** Jobs being sent whose earlier attempt may have reached the provider (an idempotent repeat after a 5xx). */
  private readonly earlierMayExist = new Set<string>();

  constructor(
    private readonly store: JobStore,
    private readonly calls: ProviderCalls,
    private readonly log: JobLogger,
    private readonly outcomes: SubmissionOutcomes,
    private readonly maxAttempts: number,
  ) {}

  /** True while this window sends the job and its provider may have it already: cancelling leaves it there. */
  mayHaveArrived(id: string): boolean {
    return this.inFlight.has(id) || this.earlierMayExist.has(id);
  }

  async send(job: JobRecord): Promise<void> {
    try {
      await this.attempts(job);
    } finally {
      this.earlierMayExist.delete(job.id);
    }
  }

  private async attempts(job: JobRecord): Promise<void> {
    const { providerId } = job.request;
    const name = providerInfo(providerId).displayName;
    let attempt = 0;
    // a wait an earlier window recorded keeps its end: the provider asked for it
    const recorded = this.store.get(job.id);
    let backoff: Backoff | undefined = recorded && sendWaitOf(recorded);
    for (;;) {
      let idempotent = false;
      try {
        const { provider, context } = await this.calls.access(providerId);
        idempotent = provider.idempotentSubmit;
        // the provider's documented limits, checked before anything is sent
        const problems = blockingProblems(validateRequest(job.request, provider));
        if (problems.length > 0) throw new ProviderError('badRequest', `${name}: ${problems.map((problem) => problem.message).join('; ')}`);
        if (!(await this.waitToSend(job, backoff, idempotent))) return;
        attempt++;
        // a pause that starts now (another call's 429) is waited for on the record, as above, not in the
        // gate; a wait there for room (calls in flight, a rate window) is recorded too, as one for its turn
        const result = await this.calls
          .call(
            providerId,
            'submit',
            async () => {
              if (!(await this.sending(job.id))) throw new NotSent();
              this.inFlight.add(job.id);
              return provider.submit(job.request, job.idempotencyKey, context);
            },
            { refuseWhilePaused: true, onWait: () => this.recordTurnWait(job.id) },
          )
          .finally(() => this.inFlight.delete(job.id));
        if (this.calls.closed) return;
        const lifetime = provider.resultLifetimeMs?.(context);
        const sent = { remoteId: result.remoteId, ...(lifetime === undefined ? {} : { resultLifetimeMs: lifetime }) };
        const { job: updated, saved } = this.store.change(job.id, () => sent);
        this.log.info(`[jobs] ${jobLogName(job)} submitted as ${providerId} job ${result.remoteId}`);
        if (updated?.status === 'cancelled') {
          await saved;
          // cancelled while the submit was on its way: cancel it remotely too
          if (provider.cancel) {
            await this.calls
              .call(providerId, 'cancel', () => provider.cancel!(result.remoteId, context))
              .catch((error) => this.log.warn(`[jobs] ${job.id} late cancel failed: ${describeError(error)}`));
          }
          return;
        }
        // the provider's first answer is stored in the same write as its id (the poller waits for it)
        await Promise.all([saved, this.outcomes.applyState(job.id, result.state)]);
        return;
      } catch (error) {
        if (this.calls.closed) return;
        if (error instanceof NotSent) return;
        if (error instanceof Error && error.name === 'ProviderPaused') {
          attempt--; // nothing was sent: the pause is waited for, on the record, and this attempt made again
          continue;
        }
        logRawAnswer(this.log, job.id, 'submit', error);
        const outcome = submitOutcome(error);
        if (outcome === 'unknown' || outcome === 'unreadable') this.earlierMayExist.add(job.id);
        const mayExist = this.earlierMayExist.has(job.id);
        if (canResubmit(error, outcome, idempotent) && attempt < this.maxAttempts) {
          const details = (error as ProviderError).details;
          const ownBackoffMs = 500 * 2 ** attempt;
          // what the job will wait, as the log says it: the later of its back-off and a Retry-After
          const delay = Math.max(details.retryAfterMs ?? 0, ownBackoffMs);
          const rateLimited = (error as ProviderError).kind === 'rateLimited';
          // a 429's Retry-After is the provider's pause, which waitToSend waits for beside this job's own
          // back-off: the end every job it holds shows, and over once a new base URL or key lifts it
          backoff = {
            until: Date.now() + (rateLimited ? ownBackoffMs : delay),
            reason: rateLimited ? `Rate limited by ${name}` : `Attempt ${attempt} failed (${describeError(error)})`,
            rateLimited,
            failure: { error, outcome, mayExist },
          };
          const how = idempotent ? 'with the same idempotency key' : 'the provider has no job yet';
          const next =
            delay > MAX_SEND_WAIT_MS
              ? `asked to wait ${formatDuration(delay)}, longer than a job waits to be sent (${formatDuration(MAX_SEND_WAIT_MS)}): it ends`
              : `retrying in ${formatDuration(delay)} (${how})`;
          this.log.warn(`[jobs] ${job.id} submit attempt ${attempt} failed (${describeForLog(error)}); ${next}`);
          continue;
        }
        await this.outcomes.fail(job.id, submitFailure(error, outcome, idempotent, mayExist));
        return;
      }
    }
  }

  /**
   * Waits until this job's back-off and its provider's pause are over, the wait on the job (and on
   * disk) meanwhile. False when the job is not to be sent after all: cancelled, removed, the window
   * closing, or failed because the wait is longer than MAX_SEND_WAIT_MS.
   */
  private async waitToSend(job: JobRecord, backoff: Backoff | undefined, idempotent: boolean): Promise<boolean> {
    const { providerId } = job.request;
    const name = providerInfo(providerId).displayName;
    // a job waiting its turn (a sweep's later cell) still does once a wait for a time is over
    const before = this.store.get(job.id);
    const afterTimedWait = before && waitsItsTurn(before) ? WAITING_ITS_TURN : undefined;
    for (;;) {
      const current = this.store.get(job.id);
      if (this.calls.closed || current?.status !== 'submitting') return false;
      const now = Date.now();
      const pausedUntil = this.calls.pausedUntil(providerId, 'submit');
      const own = backoff && backoff.until > now ? backoff : undefined;
      const wait: Backoff | undefined =
        pausedUntil > now && pausedUntil >= (own?.until ?? 0)
          ? { until: pausedUntil, reason: `Rate limited by ${name}`, rateLimited: true, failure: backoff?.failure }
          : own;
      if (!wait) break;
      if (wait.until - now > MAX_SEND_WAIT_MS) {
        await this.outcomes.fail(job.id, tooLongWait(wait, name, idempotent, now));
        return false;
      }
      const recorded = current.waitingToSend;
      if (recorded?.until !== wait.until || recorded.reason !== wait.reason) {
        this.log.info(`[jobs] ${job.id} not sent yet: ${sendWaitText(wait)}`);
        // on disk before the wait: a reload meanwhile sends the job instead of doubting it
        const { saved } = this.store.change(job.id, () => ({
          waitingToSend: { until: wait.until, reason: wait.reason, rateLimited: wait.rateLimited },
        }));
        await saved;
      }
      await this.sleepUntil(job.id, wait.until);
    }
    const recorded = this.store.get(job.id);
    if (!recorded || !sendWaitOf(recorded)) return true;
    // The request goes: the record stops saying the job waits for a time, on disk, first (one waiting
    // its turn is cleared by sending()). A window closing during the send then finds a job the provider
    // may have, never one it "cannot"; closing while this write is on its way costs at worst a job
    // reported as "may have been received" that was not sent.
    const { saved } = this.store.change(job.id, () => ({ waitingToSend: afterTimedWait }));
    await saved;
    return !this.calls.closed && this.store.get(job.id)?.status === 'submitting';
  }

  /**
   * The submission waits its turn in its provider's gate: on the record (not awaited: the gate waits
   * anyway, and a closing window writes what is pending), so that a reload meanwhile sends the job.
   */
  private recordTurnWait(id: string): void {
    const current = this.store.get(id);
    // already on the record (a sweep's later cell): saying it again would be a write for nothing
    if (this.calls.closed || current?.status !== 'submitting' || current.waitingToSend) return;
    this.store
      .change(id, () => ({ waitingToSend: WAITING_ITS_TURN }))
      .saved.catch((error: unknown) => this.log.warn(`[jobs] ${id}: could not record that it waits its turn (${describeError(error)})`));
  }

  /**
   * The request is about to go: a record saying the job waits its turn (a sweep's later cell, a wait in
   * the gate) is removed first, on disk, as waitToSend does with a wait for a time. False when it is not
   * to go after all (cancelled or removed meanwhile, the window closing).
   */
  private async sending(id: string): Promise<boolean> {
    if (this.store.get(id)?.waitingToSend) await this.store.change(id, () => ({ waitingToSend: undefined })).saved;
    // cancelled or removed while it waited in the gate: it never went, and must not now
    return !this.calls.closed && this.store.get(id)?.status === 'submitting';
  }

  /** Resolves at `until`, or as soon as the job stops waiting to be sent (cancelled, removed) or the window closes. */
  private sleepUntil(id: string, until: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        subscription.dispose();
        this.calls.closing.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, until - Date.now()));
      const subscription = this.store.onDidChange((change) => {
        if (change.kind === 'remove' ? change.id === id : change.job.id === id && change.job.status !== 'submitting') done();
      });
      this.calls.closing.addEventListener('abort', done, { once: true });
    });
  }

  async resume(job: JobRecord): Promise<void> {
    if (!(await this.outcomes.holdsLease(job.id))) return;
    const current = this.store.get(job.id) ?? job;
    if (current.waitingToSend) {
      // recorded only while no attempt can have made a job there, or where its provider takes the idempotency key
      const how = (await this.calls.isIdempotent(job.request.providerId))
        ? 'with the same idempotency key'
        : 'the provider has no job from it';
      const timed = sendWaitOf(current);
      const waiting = timed
        ? `waiting to be sent when the window closed (${sendWaitText(timed)})`
        : 'waiting its turn to be sent when the window closed';
      this.log.info(`[jobs] ${job.id} was ${waiting}; sending it now (${how})`);
      await this.send(current);
    } else if (await this.calls.isIdempotent(job.request.providerId)) {
      this.log.info(`[jobs] ${job.id} was being submitted when the window closed; resubmitting with the same idempotency key`);
      await this.send(current);
    } else {
      await this.outcomes.fail(job.id, {
        message:
          'The window closed while this job was being submitted; the provider may or may not have it. Check its dashboard before retrying.',
        phase: 'submit',
        retryable: true,
        mayExist: true,
      });
    }
  }
}

/** A job cancelled or removed while it waited in its provider's gate: its request does not go. */
class NotSent extends Error {
  override readonly name = 'NotSent';
}

/** A job whose wait to be sent is longer than MAX_SEND_WAIT_MS ends now, saying until when, and why Retry is safe where it is. */
function tooLongWait(wait: Backoff, name: string, idempotent: boolean, now: number): JobError {
  const until = formatClock(wait.until);
  const cap = `longer than a job waits to be sent (${formatDuration(MAX_SEND_WAIT_MS)})`;
  const failure = wait.failure;
  if (failure && (failure.mayExist || !wait.rateLimited)) {
    // a job the provider may have (an idempotent repeat after a 5xx), or a back-off of another kind (a
    // 503's Retry-After): its failure as it stands, and the wait asked for
    const asked = wait.rateLimited
      ? `Rate limited by ${name} until ${until} (${formatDuration(wait.until - now)} more), ${cap}.`
      : `The provider asked to wait until ${until} (${formatDuration(wait.until - now)}), ${cap}.`;
    const error = submitFailure(failure.error, failure.outcome, idempotent, failure.mayExist);
    return { ...error, message: appendSentence(error.message, asked) };
  }
  // no attempt of this job can have made one at the provider (a wait an earlier window recorded was
  // recorded only then too)
  const refusedThis = failure !== undefined && isProviderError(failure.error) && failure.error.kind === 'rateLimited';
  const message = refusedThis
    ? `Rate limited by ${name} until ${until}: it refused this job (HTTP 429) and asked to wait ${formatDuration(wait.until - now)}, ${cap}. ` +
      `Nothing was recorded at ${name}: Retry from ${until}, when ${name} takes jobs again.`
    : `Rate limited by ${name} until ${until}: it refused an earlier request (HTTP 429) and asked to wait ${formatDuration(wait.until - now)} more, ${cap}. ` +
      `This job was not sent, so nothing was recorded at ${name}: Retry from ${until}, when ${name} takes jobs again.`;
  return {
    message,
    phase: 'submit',
    retryable: true,
    kind: 'rateLimited',
    ...(refusedThis && failure ? failureOrigin(failure.error) : {}),
  };
}
