// How long recent jobs of the same kind took. A provider that reports neither progress nor an ETA
// (SubModel, Serika, PhotoGPT) leaves the poller blind; once a few jobs like this one have finished,
// it need not look before the quickest of them would have.
import type { GenerationRequest, JobRecord } from '../jobModel';

/** Durations kept per kind of job: recent enough to follow a provider getting faster or slower. */
const MAX_SAMPLES = 50;
/** Fewer finished jobs than this say too little about the quickest one. */
const MIN_SAMPLES = 8;
/**
 * Share of the quickest recent duration during which a new job is left alone. Recorded durations run
 * late by the detection lag (up to ~12%); the rest is room for a job a little quicker than any so far.
 */
const QUIET_SHARE = 0.8;

/** Jobs of one kind: same provider, model, operation, size, count and steps. */
export function durationKey(request: GenerationRequest): string {
  const { width, height, count, steps } = request.params;
  return [request.providerId, request.model, request.operation?.kind ?? 'image', `${width}x${height}`, count, steps ?? ''].join('|');
}

interface KindHistory {
  readonly durations: number[];
  /** Kept on record, not searched on every poll. */
  quickest: number;
}

export class DurationHistory {
  private readonly kinds = new Map<string, KindHistory>();

  /** Seeds from finished jobs (the store survives reloads, so the history does too). */
  static fromJobs(jobs: Iterable<JobRecord>): DurationHistory {
    const history = new DurationHistory();
    const finished = [...jobs]
      .filter((job) => job.status === 'succeeded' && job.resultAt !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const job of finished) history.record(job.request, job.resultAt! - job.createdAt);
    return history;
  }

  record(request: GenerationRequest, durationMs: number): void {
    if (!(durationMs > 0)) return;
    const key = durationKey(request);
    let kind = this.kinds.get(key);
    if (!kind) this.kinds.set(key, (kind = { durations: [], quickest: Infinity }));
    kind.durations.push(durationMs);
    const dropped = kind.durations.length > MAX_SAMPLES ? kind.durations.shift()! : Infinity;
    kind.quickest = dropped === kind.quickest ? Math.min(...kind.durations) : Math.min(kind.quickest, durationMs);
  }

  /** Age before which no recent job of this kind finished (with a margin); 0 while too few are known. */
  quietPeriodMs(request: GenerationRequest): number {
    const kind = this.kinds.get(durationKey(request));
    if (!kind || kind.durations.length < MIN_SAMPLES) return 0;
    return kind.quickest * QUIET_SHARE;
  }
}
