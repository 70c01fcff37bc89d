// A provider with a list endpoint (Serika's GET /jobs) refreshes all its jobs with one request: a
// "round". These decide when the next round is due and which of its answers change nothing.
import type { JobRecord } from '../jobModel';
import type { RemoteJobState } from '../providers/types';

/** What one job covered by the list would wait, polled alone, before its next look. */
export interface JobLook {
  readonly delayMs: number;
  /**
   * It waits out its quiet period (no job like it finished this young): a first look at a set
   * time, not an interval between looks, so it adds nothing to the rate.
   */
  readonly waiting: boolean;
}

/**
 * The delay before the next round. Each job in play would be looked at every `delayMs` alone; one
 * list looks at all of them, so the round runs at their summed rate: never more requests than
 * polling each job alone would cost, and the saving goes to detection lag. Never sooner than
 * `floorMs` (the policy's shortest interval), and never later than the first job that comes out of
 * its quiet period. Undefined when no job is left.
 */
export function nextRoundDelay(looks: readonly JobLook[], floorMs: number): number | undefined {
  let rate = 0;
  let firstLook = Infinity;
  for (const look of looks) {
    if (look.waiting) firstLook = Math.min(firstLook, look.delayMs);
    else rate += 1 / Math.max(1, look.delayMs);
  }
  const inPlay = rate > 0 ? Math.max(floorMs, 1 / rate) : Infinity;
  const delay = Math.min(inPlay, firstLook);
  return delay === Infinity ? undefined : Math.round(delay);
}

/**
 * True when applying `state` would leave the job as it is: the list said what the job already says
 * and nothing more (no progress, queue place or credits), and no warning is left to clear. A round
 * refreshes every job it covers many times a minute; most answers are these, and skipping them
 * spares the store a copy and an event per job per round.
 */
export function changesNothing(job: JobRecord, state: RemoteJobState): boolean {
  if (state.status !== job.status || Object.keys(state).length !== 1 || job.warning !== undefined) return false;
  if (job.progress !== undefined || job.queuePosition !== undefined || job.queueLength !== undefined) return false;
  return job.status === 'queued' || job.startedAt !== undefined;
}
