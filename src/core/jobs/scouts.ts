// A new wave of jobs of one kind: none of its kind has finished since they were submitted (a kind no
// one has timed yet, or a batch of one timed before). Its jobs are alike, so looking at all of them
// every few seconds to find when the first ones finish costs the whole wave many requests; a few
// scouts are looked at on the usual schedule, and the rest wait for the kind's next result (or a slow
// cadence), then follow the usual schedule from their age, which still waits out the quiet period a
// history sets. Any result of the kind ends the wave (so a stream of jobs never waits); for a batch
// submitted together it is mostly the batch's own first, a floor under a quiet period that a history of
// 50 set too early: on the bench's durations its third quickest varies by 12% (one standard deviation)
// from one draw of 50 to the next. Only for providers blind to progress, and not where held requests
// watch the jobs (a look costs one request a wait there).

/**
 * Jobs per kind looked at on the usual schedule while the wave is new: the first result comes at about
 * the 1/(n+1) quantile of their durations. The jobs that end before it are found late, so n trades the
 * scouts' requests against that tail: with 20, about 4% of a large batch (nearly all of a p95's 5%);
 * with 30, 3%.
 */
export const SCOUTS_PER_KIND = 30;

interface KindScouts {
  readonly scouts: Set<string>;
  readonly waiting: Set<string>;
}

export class Scouts {
  private readonly kinds = new Map<string, KindScouts>();
  private readonly kindOf = new Map<string, string>();

  constructor(private readonly perKind = SCOUTS_PER_KIND) {}

  /** Whether this job of a new wave is a scout (looked at as usual) or waits; a free place goes to it. */
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
   * The kind has a result, from job `finished`: its wave's waiting jobs, to schedule as usual, and how
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

  /** Some job of the kind waits for its next result. */
  hasWaiting(kind: string): boolean {
    return (this.kinds.get(kind)?.waiting.size ?? 0) > 0;
  }

  /** Every job that waits for its kind's next result. */
  waitingJobs(): string[] {
    return [...this.kinds.values()].flatMap((entry) => [...entry.waiting]);
  }

  /**
   * The job ended or was removed: a scout's place goes to a waiting job at once (one that failed or was
   * cancelled would otherwise leave the wave waiting on fewer scouts); returns that job.
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
