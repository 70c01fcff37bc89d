// Sends a recorded job to its provider: the documented limits checked first, a failure classified
// (nothing sent, refused, maybe received, answered unreadably) and repeated only where that cannot make
// a second job. What the provider answered goes back to the manager, which owns the job's state.
import { describeError, describeForLog, ProviderError } from '../errors';
import type { JobError, JobRecord } from '../jobModel';
import { validateRequest } from '../providers/requestRules';
import { providerInfo } from '../providers/catalog';
import { blockingProblems, type RemoteJobState } from '../providers/types';
import { logRawAnswer, type JobLogger } from './jobLog';
import type { JobStore } from './jobStore';
import type { ProviderCalls } from './providerCalls';
import { canResubmit, submitFailure, submitOutcome } from './submissionFailures';

export interface SubmissionOutcomes {
  holdsLease(id: string): Promise<boolean>;
  applyState(id: string, state: RemoteJobState): Promise<void>;
  fail(id: string, error: JobError): Promise<void>;
}

export class JobSubmitter {
  constructor(
    private readonly store: JobStore,
    private readonly calls: ProviderCalls,
    private readonly log: JobLogger,
    private readonly outcomes: SubmissionOutcomes,
    private readonly maxAttempts: number,
  ) {}

  async send(job: JobRecord): Promise<void> {
    let attempt = 0;
    for (;;) {
      attempt++;
      let idempotent = false;
      try {
        const { provider, context } = await this.calls.access(job.request.providerId);
        idempotent = provider.idempotentSubmit;
        // the provider's documented limits, checked before anything is sent
        const problems = blockingProblems(validateRequest(job.request, provider));
        if (problems.length > 0)
          throw new ProviderError(
            'badRequest',
            `${providerInfo(job.request.providerId).displayName}: ${problems.map((problem) => problem.message).join('; ')}`,
          );
        const result = await this.calls.call(job.request.providerId, 'submit', () =>
          provider.submit(job.request, job.idempotencyKey, context),
        );
        if (this.calls.closed) return;
        const { job: updated, saved } = this.store.change(job.id, () => ({ remoteId: result.remoteId }));
        this.log.info(`[jobs] ${job.id} submitted as ${job.request.providerId} job ${result.remoteId}`);
        if (updated?.status === 'cancelled') {
          await saved;
          // cancelled while the submit was on its way: cancel it remotely too
          if (provider.cancel) {
            await this.calls
              .call(job.request.providerId, 'cancel', () => provider.cancel!(result.remoteId, context))
              .catch((error) => this.log.warn(`[jobs] ${job.id} late cancel failed: ${describeError(error)}`));
          }
          return;
        }
        // the provider's first answer is stored in the same write as its id (the poller waits for it)
        await Promise.all([saved, this.outcomes.applyState(job.id, result.state)]);
        return;
      } catch (error) {
        if (this.calls.closed) return;
        logRawAnswer(this.log, job.id, 'submit', error);
        const outcome = submitOutcome(error);
        if (canResubmit(error, outcome, idempotent) && attempt < this.maxAttempts) {
          const delay = Math.max((error as ProviderError).details.retryAfterMs ?? 0, 500 * 2 ** attempt);
          const how = idempotent ? 'with the same idempotency key' : 'the provider has no job yet';
          this.log.warn(`[jobs] ${job.id} submit attempt ${attempt} failed (${describeForLog(error)}); retrying in ${delay} ms (${how})`);
          await sleep(delay);
          if (this.store.get(job.id)?.status !== 'submitting') return;
          continue;
        }
        await this.outcomes.fail(job.id, submitFailure(error, outcome, idempotent));
        return;
      }
    }
  }

  async resume(job: JobRecord): Promise<void> {
    if (!(await this.outcomes.holdsLease(job.id))) return;
    if (await this.calls.isIdempotent(job.request.providerId)) {
      this.log.info(`[jobs] ${job.id} was being submitted when the window closed; resubmitting with the same idempotency key`);
      await this.send(job);
    } else {
      await this.outcomes.fail(job.id, {
        message:
          'The window closed while this job was being submitted; the provider may or may not have it. Check its dashboard before retrying.',
        phase: 'submit',
        retryable: true,
      });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
