// What the progress notification says (jobProgressNotification.ts), without VS Code: how far a job
// is, and one line for the jobs it shows.
import { sendWaitOf, sendWaitText, type JobRecord } from '../core/jobModel';
import { jobLabel, stateWord } from './jobPresentation';

/** How much of the job is done, for the bar: 1 once its result is being saved. */
export function fractionDone(job: JobRecord): number {
  if (job.status === 'downloading') return 1;
  return job.status === 'running' ? (job.progress ?? 0) : 0;
}

/**
 * `"lighthouse": running 40%`; for several, how many of all it showed are done, then the rest by
 * state in the rows' words: `2 of 6 done: 3 running, 1 queued` (`total`: the jobs shown, finished ones
 * included). A submission held back says why and until when: `"lighthouse": Rate limited by Serika:
 * sending again at 15:04:10`; among several, the soonest such wait follows the counts.
 */
export function progressMessage(jobs: readonly JobRecord[], total = jobs.length): string {
  if (total === 1 && jobs.length === 1) return `"${jobLabel(jobs[0]!)}": ${stateText(jobs[0]!)}`;
  const counts = new Map<string, number>();
  for (const job of jobs) {
    const word = job.status === 'submitting' ? stateWord(job) : job.status;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const waits = jobs.flatMap((job) => {
    const wait = job.status === 'submitting' && sendWaitOf(job);
    return wait ? [wait] : [];
  });
  const soonest = waits.sort((a, b) => a.until - b.until)[0];
  const held = soonest ? `. ${sendWaitText(soonest)}` : '';
  return `${total - jobs.length} of ${total} done: ${[...counts].map(([word, count]) => `${count} ${word}`).join(', ')}${held}`;
}

function stateText(job: JobRecord): string {
  switch (job.status) {
    case 'submitting': {
      const wait = sendWaitOf(job);
      return wait ? sendWaitText(wait) : `${stateWord(job)}…`;
    }
    case 'queued':
      return job.queuePosition ? `queued, #${job.queuePosition} in line` : 'queued';
    case 'running':
      // no percentage until one is reported: a "0%" that never moves reads as stuck
      return job.progress ? `running ${Math.round(job.progress * 100)}%` : 'running';
    case 'downloading':
      return 'saving the result…';
    default:
      return job.status;
  }
}
