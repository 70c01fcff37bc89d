// What a failed job's toast offers: the fix for its cause first, Retry only where sending again is
// safe (Run Again where the job or its result is gone at the provider, and a retry would ask about
// the same dead id or link), and the log.
import { providerInfo } from '../providers/catalog';
import { needsNewJob, type JobRecord } from '../jobModel';

export interface FailureAction {
  readonly label: string;
  readonly command: string;
  readonly arg?: unknown;
  /** Once the command reports it did its part (resolves true: a key was saved), the job is retried. */
  readonly thenRetry?: boolean;
}

/** Network codes whose message tells the user to check the base URL (errors.ts NETWORK_MESSAGES). */
const BASE_URL_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'ECONNREFUSED']);

export function failureActions(job: JobRecord): FailureAction[] {
  const actions: FailureAction[] = [];
  const error = job.error;
  const { providerId } = job.request;
  // retryable: the failure says so (nothing was sent, a network fault, a fixed key); a job the provider
  // failed is generated again as a new job, which cannot duplicate one. One it no longer has (expired)
  // or whose result is gone is made again by Run Again
  const gone = needsNewJob(job);
  const retryable = !gone && (error?.retryable || error?.phase === 'provider');
  if (error?.kind === 'auth') {
    const name = providerInfo(providerId).displayName;
    // the key is what failed: once a new one is saved the user wants the job, not a second click
    const retry = retryable ? ', and the job is retried with it' : '';
    const reason = `${name} refused its API key: enter the right one${retry}.`;
    actions.push({ label: 'Set API Key', command: 'imageJobs.setApiKey', arg: { provider: providerId, reason }, thenRetry: retryable });
  }
  if (providerId !== 'sandbox' && error?.code && BASE_URL_CODES.has(error.code))
    actions.push({ label: 'Open Settings', command: 'workbench.action.openSettings', arg: `imageJobs.${providerId}.baseUrl` });
  if (gone) actions.push({ label: 'Run Again', command: 'imageJobs.job.runAgain', arg: job.id });
  else if (retryable) actions.push({ label: 'Retry', command: 'imageJobs.job.retry', arg: job.id });
  actions.push({ label: 'Show Log', command: 'imageJobs.showLog' });
  return actions;
}
