// When each Sandbox job runs: a few render slots, taken in submission order. A job waits in the queue
// only while every slot is busy, and a cancel frees its slot at once. Derived from what is persisted
// (submission and cancel times), so a restarted server reports the same past and future.

export interface SchedulableJob {
  readonly id: string;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly cancelledAt?: number;
}

export interface JobSlot {
  readonly startAt: number;
  /** When it finishes if nobody cancels it. */
  readonly endAt: number;
}

/** Start and end of every job, given in submission order, with `capacity` jobs rendering at once. */
export function scheduleJobs(jobs: Iterable<SchedulableJob>, capacity: number): Map<string, JobSlot> {
  const freeAt: number[] = Array.from({ length: Math.max(1, capacity) }, () => -Infinity);
  const slots = new Map<string, JobSlot>();
  for (const job of jobs) {
    let slot = 0;
    for (let index = 1; index < freeAt.length; index++) if (freeAt[index]! < freeAt[slot]!) slot = index;
    const startAt = Math.max(job.createdAt, freeAt[slot]!);
    const endAt = startAt + job.durationMs;
    slots.set(job.id, { startAt, endAt });
    // cancelled while queued: it never took the slot
    if (job.cancelledAt !== undefined && job.cancelledAt <= startAt) continue;
    freeAt[slot] = Math.min(endAt, job.cancelledAt ?? Infinity);
  }
  return slots;
}
