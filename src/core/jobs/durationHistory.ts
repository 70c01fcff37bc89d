// How long recent jobs of the same kind took. A provider that reports neither progress nor an ETA
// (SubModel, Serika, PhotoGPT) leaves the poller blind; once a few jobs like this one have finished,
// it need not look before the quickest of them would have, and a job past the typical one's duration
// is looked at as often as one just at it (pollPolicy's typicalDurationMs). Where the provider says how long a job
// queued (SubModel's delayTime), the durations are run times, counted from the job's start: a batch
// larger than the provider's workers queues, and its later jobs then run as long as the first ones.
import type { GenerationRequest, JobRecord } from '../jobModel';
import { providerInfo } from '../providers/catalog';

/** Durations kept per kind of job: recent enough to follow a provider getting faster or slower. */
const MAX_SAMPLES = 50;
/** Fewer finished jobs than this say too little about the quick end of the spread. */
const MIN_SAMPLES = 8;
/**
 * The quiet period ends at this share of a low quantile of the recent durations (the third quickest
 * of 50). The very quickest is one outlier that would make every job pay for it; jobs quicker than the
 * quantile are a few percent, and they are found at the first look, just past their end. Recorded
 * durations run late by the detection lag; the margin is room for a job a little quicker still.
 */
const QUIET_QUANTILE = 0.04;
const QUIET_SHARE = 0.9;

/** Jobs of one kind: same provider, model, operation, size, count and steps. */
export function durationKey(request: GenerationRequest): string {
  const { width, height, count, steps } = request.params;
  return [request.providerId, request.model, request.operation?.kind ?? 'image', `${width}x${height}`, count, steps ?? ''].join('|');
}

/** When the job's own time began: its start where the provider reports queue time, else its submission. */
export function durationStart(job: Pick<JobRecord, 'request' | 'createdAt' | 'startedAt'>): number {
  return providerInfo(job.request.providerId).reportsQueueTime && job.startedAt !== undefined ? job.startedAt : job.createdAt;
}

/** A typical job of the kind: the median of the recent durations. */
const TYPICAL_QUANTILE = 0.5;

interface KindHistory {
  readonly durations: number[];
  /** Its first result was the quickest of many scouts: the quickest result is a low quantile already. */
  scouted?: boolean;
  /** Kept on record, not computed on every poll. */
  quietMs: number;
  typicalMs: number;
}

export class DurationHistory {
  private readonly kinds = new Map<string, KindHistory>();

  /**
   * Seeds from jobs whose result was seen (the store survives reloads, so the history does too): one
   * still downloading counts, or its kind would be scouted again after a reload.
   */
  static fromJobs(jobs: Iterable<JobRecord>): DurationHistory {
    const history = new DurationHistory();
    const finished = [...jobs].filter((job) => job.resultAt !== undefined).sort((a, b) => a.createdAt - b.createdAt);
    for (const job of finished) history.record(job, job.resultAt!);
    return history;
  }

  /** Records a job whose result was seen at `resultAt`. */
  record(job: Pick<JobRecord, 'request' | 'createdAt' | 'startedAt'>, resultAt: number): void {
    const key = durationKey(job.request);
    let kind = this.kinds.get(key);
    if (!kind) this.kinds.set(key, (kind = { durations: [], quietMs: 0, typicalMs: 0 }));
    // a result makes the kind known even when its duration is no use (a clock that stepped back)
    const durationMs = resultAt - durationStart(job);
    if (!(durationMs > 0)) return;
    kind.durations.push(durationMs);
    if (kind.durations.length > MAX_SAMPLES) kind.durations.shift();
    // a quicker result than the scouts' first (one that queued, then ran quicker) lowers it
    if (kind.scouted && kind.durations.length < MIN_SAMPLES) kind.quietMs = Math.min(kind.quietMs, QUIET_SHARE * durationMs);
    if (kind.durations.length >= MIN_SAMPLES) {
      const sorted = [...kind.durations].sort((a, b) => a - b);
      kind.quietMs = QUIET_SHARE * sorted[Math.floor(QUIET_QUANTILE * sorted.length)]!;
      kind.typicalMs = sorted[Math.floor(TYPICAL_QUANTILE * sorted.length)]!;
    }
  }

  /**
   * The kind's first result came from the quickest of `watched` jobs looked at alike (scouts.ts): it is
   * then about the 1/(watched + 1) quantile of the kind's durations, and where that is no higher than
   * the quiet quantile it sets the quiet period before the usual `MIN_SAMPLES` are in. Until then a
   * job seen queued was looked at again every few seconds (a queued job cannot end sooner than the
   * quickest run after it starts): half of a large batch queues, and on the bench these looks cost
   * ~1 request a job more whenever the first result came early. A quicker result before the eight
   * lowers it.
   */
  firstWasQuickestOf(request: GenerationRequest, watched: number): void {
    const kind = this.kinds.get(durationKey(request));
    if (!kind || kind.durations.length !== 1 || 1 / (watched + 1) > QUIET_QUANTILE) return;
    kind.scouted = true;
    kind.quietMs = QUIET_SHARE * kind.durations[0]!;
  }

  /** No job of this kind has finished yet: nothing is known of how long it takes. */
  isNew(request: GenerationRequest): boolean {
    return !this.kinds.has(durationKey(request));
  }

  /**
   * Time from `durationStart` before which few recent jobs of this kind finished (with a margin); 0
   * while too few are known.
   */
  quietPeriodMs(request: GenerationRequest): number {
    return this.kinds.get(durationKey(request))?.quietMs ?? 0;
  }

  /** How long a recent job of this kind typically took from `durationStart` (the median); 0 while too few are known. */
  typicalDurationMs(request: GenerationRequest): number {
    return this.kinds.get(durationKey(request))?.typicalMs ?? 0;
  }
}
