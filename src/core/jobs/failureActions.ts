// What a failed job's toast offers: the fix for its cause first, Retry only where sending again is
// safe (Run Again where the result is gone and a retry would fetch the same dead link), and the log.
import { isResultGone, type JobRecord } from '../jobModel';

export interface FailureAction {
  readonly label: string;
  readonly command: string;
  readonly arg?: unknown;
}

export function failureActions(job: JobRecord): FailureAction[] {
  const actions: FailureAction[] = [];
  const error = job.error;
  if (error?.kind === 'auth')
    actions.push({ label: 'Set API Key', command: 'imageJobs.setApiKey', arg: { provider: job.request.providerId } });
  // retryable: the failure says so (nothing was sent, a network fault, a fixed key); a job the provider
  // failed or expired is generated again as a new job, which cannot duplicate one
  if (isResultGone(error)) actions.push({ label: 'Run Again', command: 'imageJobs.job.runAgain', arg: job.id });
  else if (error?.retryable || error?.phase === 'provider' || job.status === 'expired')
    actions.push({ label: 'Retry', command: 'imageJobs.job.retry', arg: job.id });
  actions.push({ label: 'Show Log', command: 'imageJobs.showLog' });
  return actions;
}
