// How long recent jobs of the same kind took. A provider that reports neither progress nor an ETA
// (SubModel, Serika, PhotoGPT) leaves the poller blind; once a few jobs like this one have finished,
// it need not look before the quickest of them would have.
import type { GenerationRequest, JobRecord } from './jobModel';

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

export class DurationHistory {
  private readonly samples = new Map<string, number[]>();

  /** Seeds from finished jobs (the store survives reloads, so the history does too). */
  static fromJobs(jobs: Iterable<JobRecord>): DurationHistory {
    const history = new DurationHistory();
    const finished = [...jobs].filter((job) => job.status === 'succeeded' && job.resultAt !== undefined).sort((a, b) => a.createdAt - b.createdAt);
    for (const job of finished) history.record(job.request, job.resultAt! - job.createdAt);
    return history;
  }

  record(request: GenerationRequest, durationMs: number): void {
    if (!(durationMs > 0)) return;
    const key = durationKey(request);
    let list = this.samples.get(key);
    if (!list) this.samples.set(key, (list = []));
    list.push(durationMs);
    if (list.length > MAX_SAMPLES) list.shift();
  }

  /** Age before which no recent job of this kind finished (with a margin); 0 while too few are known. */
  quietPeriodMs(request: GenerationRequest): number {
    const list = this.samples.get(durationKey(request));
    if (!list || list.length < MIN_SAMPLES) return 0;
    return Math.min(...list) * QUIET_SHARE;
  }
}
