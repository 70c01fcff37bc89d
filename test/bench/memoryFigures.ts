// The memory bench's arithmetic, apart from the processes that measure: what one in-flight job keeps
// alive, what it allocates along the way, and how the runs of one batch size are summed up.

/** Bytes alive after forced full GCs. */
export interface LiveMemory {
  /** V8's heap in use. */
  readonly heapUsed: number;
  /**
   * The part of it that is compiled code and bytecode with their metadata: the process's, not the
   * jobs'. V8 compiles, optimizes and drops code as functions get hot or go cold, half a megabyte either
   * way between two readings, whatever the number of jobs.
   */
  readonly code: number;
  /** Outside V8's heap but owned by its objects: Buffers and ArrayBuffers among them. */
  readonly external: number;
  /** The Buffers and ArrayBuffers alone: a part of `external`, shown, never added twice. */
  readonly arrayBuffers: number;
}

export const KB = 1024;

/** What the process keeps alive as data: the heap but its code, and what its objects own outside it. */
export function liveBytes(memory: LiveMemory): number {
  return memory.heapUsed - memory.code + memory.external;
}

/** Memory added since `baseline`, shared out over `jobs`, in KB (negative when it fell below). */
export function kbPerJob(baseline: LiveMemory, now: LiveMemory, jobs: number): number {
  return (liveBytes(now) - liveBytes(baseline)) / jobs / KB;
}

/**
 * What each job added, from the difference between two batch sizes: the costs that do not grow with
 * the jobs (compiled code, pools, a map's spare room) cancel out, so a leak per job shows however small.
 */
export function growthPerJob(
  small: { readonly jobs: number; readonly kbPerJob: number },
  large: { readonly jobs: number; readonly kbPerJob: number },
): number {
  return (large.kbPerJob * large.jobs - small.kbPerJob * small.jobs) / (large.jobs - small.jobs);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** One garbage collection: the heap in use just before and just after it. */
export interface GcSpan {
  readonly usedBefore: number;
  readonly usedAfter: number;
}

/**
 * Bytes allocated on V8's heap between two readings of its use, from the collections in between:
 * whatever the heap grew by, plus whatever each collection freed (it had been allocated first).
 * Node 20 and 24 have no counter of their own (getHeapStatistics().total_allocated_bytes came later: nodejs/node#60573).
 */
export function allocatedBetween(usedAtStart: number, usedAtEnd: number, collections: readonly GcSpan[]): number {
  const freed = collections.reduce((sum, gc) => sum + Math.max(0, gc.usedBefore - gc.usedAfter), 0);
  return usedAtEnd - usedAtStart + freed;
}

/** Pauses of the collections V8 chose to run (not the bench's forced ones), in ms. */
export function gcPauses(pauses: readonly { readonly durationMs: number; readonly forced: boolean }[]): {
  count: number;
  sumMs: number;
  maxMs: number;
} {
  const chosen = pauses.filter((pause) => !pause.forced).map((pause) => pause.durationMs);
  return { count: chosen.length, sumMs: chosen.reduce((a, b) => a + b, 0), maxMs: Math.max(0, ...chosen) };
}
