// How long recent jobs of the same kind took. A provider that reports neither progress nor an ETA
// (SubModel, Serika, PhotoGPT) leaves the poller blind; once a few jobs like this one have finished,
// it need not look before the quickest of them would have, and a job past the typical one's duration
// is looked at as often as one just at it (pollPolicy's typicalDurationMs). Where the provider says how long a job
// queued (SubModel's delayTime), the durations are run times, counted from the job's start: a batch
// larger than the provider's workers queues, and its later jobs then run as long as the first ones.
import { isTerminal, type GenerationRequest, type JobRecord } from '../jobModel';
import { providerInfo } from '../providers/catalog';

/** Durations the estimates use per kind of job: recent enough to follow a provider getting faster or slower. */
const MAX_SAMPLES = 50;
/**
 * Durations kept per kind, to pick the last `MAX_SAMPLES` submitted when a new batch starts (`submitted`):
 * a batch of up to this many is picked from exactly.
 */
const MAX_KEPT = 1000;
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

/**
 * How long the job ran, where the provider says (it reports its queue time too). The time a look saw
 * its result runs late by the detection lag, most for the quickest jobs (found at their first look,
 * past the quiet period): learnt from those looks, each batch's quiet period came later than the last
 * one's (on the bench, a batch after another read a p95 lag of 6–10%, its absolute p95 up to 2.2 s,
 * over the loop's, against 5.8–6.7% and 1.7–1.9 s).
 */
function reportedRunMs(job: Pick<JobRecord, 'request' | 'createdAt' | 'startedAt' | 'runMs'>, resultAt: number): number | undefined {
  if (job.runMs === undefined || job.startedAt === undefined || !providerInfo(job.request.providerId).reportsQueueTime) return undefined;
  // 0 or less, or longer than the job has existed: clocks that disagree, and the seen duration is kept
  return job.runMs > 0 && job.runMs <= resultAt - job.createdAt ? job.runMs : undefined;
}

/** A typical job of the kind: the median of the recent durations. */
const TYPICAL_QUANTILE = 0.5;

interface Sample {
  /** Its job's: orders samples submitted in the same millisecond (a batch), at random as to their durations. */
  readonly id: string;
  readonly submittedAt: number;
  /** Until its result was seen, or as long as it ran (`reportedRunMs`) once its batch is over. */
  readonly durationMs: number;
  readonly runMs?: number;
}

interface KindHistory {
  /** In the order the results came; the estimates use the last `MAX_SAMPLES`. */
  samples: Sample[];
  /** Jobs of the kind submitted in this session that have not ended. */
  readonly inFlight: Set<string>;
  /** A result of the kind was seen, even one whose duration is no use. */
  resultSeen?: boolean;
  /** Its first result was the quickest of many scouts: the quickest result is a low quantile already. */
  scouted?: boolean;
  /** Kept on record, not computed on every poll. */
  quietMs: number;
  typicalMs: number;
}

export class DurationHistory {
  private readonly kinds = new Map<string, KindHistory>();
  /** The kind of each job in a kind's `inFlight`. */
  private readonly kindOfJob = new Map<string, KindHistory>();

  /**
   * Seeds from jobs whose result was seen (the store survives reloads, so the history does too): one
   * still downloading counts, or its kind would be scouted again after a reload.
   */
  static fromJobs(jobs: Iterable<JobRecord>): DurationHistory {
    const history = new DurationHistory();
    const all = [...jobs];
    // as this window would have learnt them: in the order the results came, a batch still running as its results were seen
    const finished = all.filter((job) => job.resultAt !== undefined).sort((a, b) => a.resultAt! - b.resultAt!);
    for (const job of finished) history.record(job, job.resultAt!);
    for (const job of all) if (job.resultAt === undefined && !isTerminal(job.status)) history.resumed(job);
    for (const kind of history.kinds.values()) if (!kind.inFlight.size) history.startBatch(kind);
    return history;
  }

  /** Records a job whose result was seen at `resultAt`. */
  record(job: Pick<JobRecord, 'id' | 'request' | 'createdAt' | 'startedAt' | 'runMs'>, resultAt: number): void {
    this.ended(job.id);
    const kind = this.kindOf(job.request);
    // a result makes the kind known even when its duration is no use (a clock that stepped back)
    kind.resultSeen = true;
    const durationMs = resultAt - durationStart(job);
    if (!(durationMs > 0)) return;
    kind.samples.push({ id: job.id, submittedAt: job.createdAt, durationMs, runMs: reportedRunMs(job, resultAt) });
    if (kind.samples.length > MAX_KEPT) kind.samples.shift();
    // a quicker result than the scouts' first (one that queued, then ran quicker) lowers it
    if (kind.scouted && kind.samples.length < MIN_SAMPLES) kind.quietMs = Math.min(kind.quietMs, QUIET_SHARE * durationMs);
    this.estimate(kind);
  }

  /**
   * A job of the kind was submitted. When none of the kind is in flight, a new batch starts, and it
   * learns from the last jobs submitted, not from the last results: those are the previous batch's
   * slowest (its quick jobs ended first). After a batch of 200 on 100 workers, the last 50 results'
   * third quickest is 1.8× the kind's 4% quantile (a simulation of the bench's SubModel jobs): every
   * quick job of the next batch would be found late. Where durations count from the start (SubModel)
   * the last submitted are a fair sample, and the window a reload rebuilds (`fromJobs`); where they
   * count from the submission, the last submitted queued longest, and this changes little.
   */
  submitted(job: Pick<JobRecord, 'id' | 'request'>): void {
    const kind = this.kindOf(job.request);
    if (!kind.inFlight.size) this.startBatch(kind);
    this.addInFlight(kind, job.id);
  }

  /** A job from before a reload, or one retried, is in flight again: part of a batch already started. */
  resumed(job: Pick<JobRecord, 'id' | 'request'>): void {
    this.addInFlight(this.kindOf(job.request), job.id);
  }

  private addInFlight(kind: KindHistory, id: string): void {
    kind.inFlight.add(id);
    this.kindOfJob.set(id, kind);
  }

  /**
   * The window a new batch starts from: the last 50 submitted, each as long as it ran where the
   * provider said. While a batch runs, its results count as they come and as long as they took to be
   * seen: the quiet period and the typical duration are tuned to that on the bench (ordered by
   * submission during the batch too, the engine read 1.11× the optimum against 1.04×; with the run
   * times during the batch, 1.13× against 1.05× on a model new to it, on the default seeds).
   */
  private startBatch(kind: KindHistory): void {
    if (!kind.samples.some((sample) => sample.runMs !== undefined) && kind.samples.length <= MAX_SAMPLES) return;
    // a batch's jobs share their submission's millisecond by the dozen: ties go by id, which says nothing of their durations
    kind.samples = [...kind.samples]
      .sort((a, b) => a.submittedAt - b.submittedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(-MAX_SAMPLES)
      .map((sample) => ({ id: sample.id, submittedAt: sample.submittedAt, durationMs: sample.runMs ?? sample.durationMs }));
    this.estimate(kind);
  }

  /** The job ended (a result, a failure, a cancel) or was removed. */
  ended(id: string): void {
    this.kindOfJob.get(id)?.inFlight.delete(id);
    this.kindOfJob.delete(id);
  }

  private kindOf(request: GenerationRequest): KindHistory {
    const key = durationKey(request);
    let kind = this.kinds.get(key);
    if (!kind) this.kinds.set(key, (kind = { samples: [], inFlight: new Set(), quietMs: 0, typicalMs: 0 }));
    return kind;
  }

  private estimate(kind: KindHistory): void {
    const window = kind.samples.slice(-MAX_SAMPLES);
    if (window.length < MIN_SAMPLES) return;
    const sorted = window.map((sample) => sample.durationMs).sort((a, b) => a - b);
    kind.quietMs = QUIET_SHARE * sorted[Math.floor(QUIET_QUANTILE * sorted.length)]!;
    kind.typicalMs = sorted[Math.floor(TYPICAL_QUANTILE * sorted.length)]!;
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
    if (!kind || kind.samples.length !== 1 || 1 / (watched + 1) > QUIET_QUANTILE) return;
    kind.scouted = true;
    kind.quietMs = QUIET_SHARE * kind.samples[0]!.durationMs;
  }

  /** No job of this kind has finished yet: nothing is known of how long it takes. */
  isNew(request: GenerationRequest): boolean {
    return !this.kinds.get(durationKey(request))?.resultSeen;
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
