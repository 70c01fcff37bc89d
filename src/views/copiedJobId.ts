// Copy Job ID copies the provider's id for the job, which its dashboard and support know; a job that
// never got one has only this extension's own id, which the provider never saw: the message says which.
import { isTerminal, type JobRecord } from '../core/jobModel';
import { providerInfo } from '../core/providers/catalog';

export function copiedJobId(job: JobRecord): { readonly id: string; readonly message: string } {
  const name = providerInfo(job.request.providerId).displayName;
  if (job.remoteId) return { id: job.remoteId, message: `Copied the ${name} job id ${job.remoteId}` };
  const why = isTerminal(job.status) ? `${name} never gave this job an id` : `${name} has not answered with its id yet`;
  return { id: job.id, message: `Copied the local job id ${job.id} (${why})` };
}
