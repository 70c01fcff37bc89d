// A batch of a kind of job no one has timed yet. Its jobs are alike, so looking at all of them every
// few seconds to find when the first ones finish costs the whole batch many requests; a few scouts
// are looked at on the usual schedule, and the rest wait for the first result (or a slow cadence),
// then follow the usual schedule from their age. Only for providers blind to progress, and not where
// held requests watch the jobs (a look costs one request a wait there).

/**
 * Jobs per kind looked at on the usual schedule while the kind is new: the first result comes at about
 * the 1/(n+1) quantile of their durations. The jobs that end before it are found late, so n trades the
 * scouts' requests against that tail: with 20, about 4% of a large batch (nearly all of a p95's 5%);
 * with 30, 3%, but when none of 30 was among a batch's quickest the p95 doubled. 60, each looked at
 * half as often (pollPolicy's `scoutMinIntervalMs`), make the same requests and see the quick end of
 * the batch more surely: on the bench's SubModel batch new to the engine, 15 seed sets read 0.93–1.09×
 * the blind optimum (mean 1.00) against 0.97–1.57× (mean 1.11) with 30.
 */
export const SCOUTS_PER_KIND = 60;

interface KindScouts {
  readonly scouts: Set<string>;
  readonly waiting: Set<string>;
}

export class Scouts {
  private readonly kinds = new Map<string, KindScouts>();
  private readonly kindOf = new Map<string, string>();

  constructor(private readonly perKind = SCOUTS_PER_KIND) {}

  /** Whether this job of a new kind is a scout (looked at as usual) or waits; a free place goes to it. */
  roleOf(kind: string, id: string): 'scout' | 'waiting' {
    let entry = this.kinds.get(kind);
    if (!entry) this.kinds.set(kind, (entry = { scouts: new Set(), waiting: new Set() }));
    this.kindOf.set(id, kind);
    if (entry.scouts.has(id)) return 'scout';
    if (entry.scouts.size < this.perKind) {
      entry.waiting.delete(id);
      entry.scouts.add(id);
      return 'scout';
    }
    entry.waiting.add(id);
    return 'waiting';
  }

  /**
   * The kind has a result, from job `finished`: its waiting jobs, to schedule as usual, and how
   * many scouts it was the quickest of (0 when it was no scout: a waiting job, or one that ended
   * before this window looked at it on the usual schedule).
   */
  release(kind: string, finished: string): { waiting: string[]; quickestOfScouts: number } {
    const entry = this.kinds.get(kind);
    if (!entry) return { waiting: [], quickestOfScouts: 0 };
    this.kinds.delete(kind);
    for (const id of [...entry.scouts, ...entry.waiting]) this.kindOf.delete(id);
    return { waiting: [...entry.waiting], quickestOfScouts: entry.scouts.has(finished) ? entry.scouts.size : 0 };
  }

  /** Every job that waits for its kind's next result. */
  waitingJobs(): string[] {
    return [...this.kinds.values()].flatMap((entry) => [...entry.waiting]);
  }

  /**
   * The job ended or was removed: a scout's place goes to a waiting job at once (one that failed or was
   * cancelled would otherwise leave the batch waiting on fewer scouts); returns that job.
   */
  forget(id: string): string | undefined {
    const kind = this.kindOf.get(id);
    if (kind === undefined) return undefined;
    this.kindOf.delete(id);
    const entry = this.kinds.get(kind)!;
    entry.waiting.delete(id);
    const promoted = entry.scouts.delete(id) ? entry.waiting.values().next().value : undefined;
    if (promoted !== undefined) {
      entry.waiting.delete(promoted);
      entry.scouts.add(promoted);
    }
    if (!entry.scouts.size && !entry.waiting.size) this.kinds.delete(kind);
    return promoted;
  }
}
