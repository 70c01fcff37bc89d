// A job cancelled here only (its provider has no cancel endpoint: Serika, Bifrost, PhotoGPT) may still
// run, and be billed, at the provider. What the user reads about it: when cancelling, and in the
// job's row and hover afterwards.
import { providerInfo } from '../providers/catalog';
import type { JobRecord } from '../jobModel';

/**
 * "Stopped tracking: Serika has no cancel, so the job may still run there and be billed."; for one
 * cancelled before the provider answered its submission, nothing was being tracked: "Cancelled before
 * Serika answered: …". Undefined for any other job.
 */
export function localCancelNote(job: JobRecord): string | undefined {
  if (job.status !== 'cancelled' || !job.cancelledLocally) return undefined;
  const name = providerInfo(job.request.providerId).displayName;
  return job.cancelledWhileSending && !job.remoteId
    ? `Cancelled before ${name} answered: it may have received the job, and ${name} has no cancel, so the job may run there and be billed.`
    : `Stopped tracking: ${name} has no cancel, so the job may still run there and be billed.`;
}

/** The row's word for how the job ended: "stopped tracking" for such a job ("maybe sent" before an answer), else its status. */
export function endedStateWord(job: JobRecord): string {
  if (!localCancelNote(job)) return job.status;
  return job.cancelledWhileSending && !job.remoteId ? 'cancelled, maybe sent' : 'stopped tracking';
}

/**
 * Several jobs cancelled at once (Cancel All, a sweep's Cancel Batch): how many of them only stopped
 * being tracked, and which providers could not be asked; undefined when every provider was asked.
 */
export function localCancelSummary(jobs: readonly JobRecord[]): string | undefined {
  const local = jobs.filter((job) => localCancelNote(job));
  if (local.length === 0) return undefined;
  const names = [...new Set(local.map((job) => providerInfo(job.request.providerId).displayName))];
  const providers = names.length === 1 ? `${names[0]} has` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} have`;
  const which =
    local.length === jobs.length
      ? jobs.length === 1
        ? 'The job was'
        : 'The jobs were'
      : `${local.length} of the ${jobs.length} jobs were`;
  const they = local.length === 1 ? 'it' : 'they';
  return `${which} only stopped being tracked: ${providers} no cancel, so ${they} may still run there and be billed.`;
}
