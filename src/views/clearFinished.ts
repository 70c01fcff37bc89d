// What the Jobs view's "Clear Finished Jobs" takes out of the list, and what it says: pure functions of
// the job records. Clearing only forgets job records; images and sidecars stay on disk (and in the gallery).
import { isTerminal, type JobRecord } from '../core/jobModel';

/** Above this many jobs to clear, the command asks first: a mis-click must not empty a long list. */
export const CONFIRM_CLEAR_ABOVE = 5;

export interface ClearPlan {
  /** Succeeded or cancelled, outside any sweep still running. */
  readonly remove: readonly JobRecord[];
  /** Failed or expired: kept, with their Retry (an end nobody chose, unlike a cancel). */
  readonly keptFailed: number;
  /** Finished cells of a sweep with cells still running: kept, so the batch row stays whole. */
  readonly keptInRunningBatches: number;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function planClearFinished(jobs: readonly JobRecord[]): ClearPlan {
  const runningBatches = new Set(jobs.flatMap((job) => (job.sweep && !isTerminal(job.status) ? [job.sweep.batchId] : [])));
  const remove: JobRecord[] = [];
  let [keptFailed, keptInRunningBatches] = [0, 0];
  for (const job of jobs) {
    if (!isTerminal(job.status)) continue;
    if (job.status === 'failed' || job.status === 'expired') keptFailed++;
    else if (job.sweep && runningBatches.has(job.sweep.batchId)) keptInRunningBatches++;
    else remove.push(job);
  }
  return { remove, keptFailed, keptInRunningBatches };
}

/** What stays in the list and why, for the confirmation's detail and the "nothing to clear" message. */
function keptText(plan: ClearPlan): string {
  const kept: string[] = [];
  const one = plan.keptFailed === 1;
  if (plan.keptFailed > 0)
    kept.push(`${plural(plan.keptFailed, 'failed job')} stay${one ? 's' : ''} so you can retry ${one ? 'it' : 'them'}`);
  if (plan.keptInRunningBatches > 0) kept.push('finished jobs of a sweep still running stay with their batch');
  return kept.length > 0 ? ` ${kept.join('; ')}.` : '';
}

/** The modal confirmation: "Clear 12 finished jobs from the list?" and what it keeps. */
export function clearConfirmation(plan: ClearPlan): { readonly question: string; readonly detail: string } {
  return {
    question: `Clear ${plural(plan.remove.length, 'finished job')} from the list?`,
    detail: `Their images and sidecars stay on disk, in the gallery.${keptText(plan)}`,
  };
}

/** Said when there is nothing to clear. */
export function nothingToClear(plan: ClearPlan): string {
  return `No succeeded or cancelled job to clear.${keptText(plan)}`;
}

/** The status bar's word once cleared. */
export function clearedMessage(plan: ClearPlan): string {
  return `Cleared ${plural(plan.remove.length, 'finished job')} from the list; their images stay on disk`;
}
