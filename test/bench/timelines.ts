// The bench's model of a provider, plugged into the loopback servers through their `timing` option
// (the unit and integration tests keep the fixtures' simple model): a fixed pool of workers taking jobs
// first come first served, so queue time comes from load, not from the job's own length; progress in
// steps, then a tail at 100% (saving, uploading) before the job reads as done; latency with jitter on
// every answer; the provider's documented rate limits, refused with 429, for every client alike.
// Every draw is seeded, and a job's draws depend on its rank only, so each schedule meets the same jobs.
import type { FakeJob, JobTimeline, RecordedRequest, ServerTimingModel } from '../fixtures/providers/fakeServer';
import { seededRandom } from '../../src/core/seededRandom';

/** Uniform in (0, 1) (never 0, so a logarithm of it is finite): the same sequence for a seed. */
export function seededUniform(seed: number): () => number {
  const next = seededRandom(seed);
  return () => (next() * 4294967296 + 1) / 4294967297;
}

/** Standard normal draws (Box–Muller) from a uniform source. */
export function normal(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Requests admitted per window, and (optionally) answered at once; times in real milliseconds. */
export interface RateRule {
  readonly requests: number;
  readonly perMs: number;
  readonly concurrent?: number;
}

export interface TimelineOptions {
  readonly seed: number;
  /** Bench milliseconds per real millisecond. */
  readonly timeScale: number;
  readonly workers: number;
  /** The work itself (real ms), drawn per job in order. */
  readonly workMs: () => number;
  /** Which rule a request falls under ('all' applies to every one but those given undefined). */
  readonly classify: (request: RecordedRequest) => string | undefined;
  readonly limits: Readonly<Record<string, RateRule>>;
}

/** Progress moves in these steps (a sampler reporting at each 5% of its steps). */
const PROGRESS_STEPS = 20;
/** Real milliseconds. A worker picking a job up: a short hand-off, sometimes a cold start. */
const DISPATCH_MEDIAN_MS = 400;
/** Real milliseconds at 100% before the job reads as done: saving and uploading the image. */
const TAIL_MIN_MS = 500;
const TAIL_SPREAD_MS = 2500;
/** Real milliseconds for one answer: median and spread (lognormal). */
const LATENCY_MEDIAN_MS = 60;
const LATENCY_SIGMA = 0.5;

/** Real milliseconds at 100%, for a uniform draw. */
const tailMs = (uniform: number) => TAIL_MIN_MS + TAIL_SPREAD_MS * uniform;

/**
 * Earlier jobs of the kind, as long as the engine records them where the provider reports queue time
 * (SubModel's delayTime): from their start, the work and the tail after 100%. The history once held the
 * work alone, ~2 s (10%) short of what the batch's own jobs then showed the engine: its quiet period
 * ended early and its typical duration was low, and each cost requests.
 */
export function runTimeSampler(seed: number, workMs: () => number): () => number {
  const uniform = seededUniform(seed * 7 + 3);
  return () => workMs() + tailMs(uniform());
}

interface Plan {
  readonly rank: number;
  readonly startAt: number;
  readonly workEndAt: number;
  readonly endAt: number;
}

class Window {
  private readonly admitted: number[] = [];
  private inFlight = 0;
  /** Most requests of this rule answered at once. */
  peak = 0;
  constructor(
    private readonly rule: RateRule,
    private readonly scale: number,
  ) {}

  tryAdmit(now: number): (() => void) | undefined {
    const span = this.rule.perMs * this.scale;
    while (this.admitted.length && this.admitted[0]! <= now - span) this.admitted.shift();
    if (this.admitted.length >= this.rule.requests) return undefined;
    if (this.rule.concurrent !== undefined && this.inFlight >= this.rule.concurrent) return undefined;
    this.admitted.push(now);
    this.peak = Math.max(this.peak, ++this.inFlight);
    return () => void this.inFlight--;
  }
}

export class BenchTimeline implements ServerTimingModel {
  private readonly plans = new Map<string, Plan>();
  private readonly startsInOrder: number[] = [];
  private readonly workerFreeAt: number[];
  private readonly perJob: () => number;
  private readonly latencyNormal: () => number;
  private readonly windows = new Map<string, Window>();
  /** Requests answered 429 by the limits, by rule. */
  readonly refused = new Map<string, number>();
  /** Every request the limits saw (admitted or not). */
  requestsSeen = 0;
  /**
   * When an answer first said each job was done, on the server's clock as it judged it: where the look
   * that saw it landed, the blind optimum's own terms (a poll covers a job when it lands by D(1 + ℓ)).
   * The client's detection comes later by the answer's way back and its handling of it.
   */
  readonly seenDoneAt = new Map<string, number>();

  constructor(private readonly options: TimelineOptions) {
    this.workerFreeAt = Array.from({ length: options.workers }, () => 0);
    this.perJob = seededUniform(options.seed * 7 + 1);
    this.latencyNormal = normal(seededUniform(options.seed * 7 + 2));
    for (const [name, rule] of Object.entries(options.limits)) this.windows.set(name, new Window(rule, options.timeScale));
  }

  schedule(job: FakeJob): void {
    const scale = this.options.timeScale;
    const rank = this.plans.size;
    const work = this.options.workMs() * scale;
    const dispatch = -Math.log(this.perJob()) * DISPATCH_MEDIAN_MS * Math.LOG2E * scale;
    const tail = tailMs(this.perJob()) * scale;
    let worker = 0;
    for (let i = 1; i < this.workerFreeAt.length; i++) if (this.workerFreeAt[i]! < this.workerFreeAt[worker]!) worker = i;
    const startAt = Math.max(job.createdAt, this.workerFreeAt[worker]!) + dispatch;
    const plan = { rank, startAt, workEndAt: startAt + work, endAt: startAt + work + tail };
    this.workerFreeAt[worker] = plan.endAt;
    this.plans.set(job.id, plan);
    this.startsInOrder.push(startAt);
  }

  /** Most requests in flight at once, by rule (held ones count until answered). */
  peakInFlight(): Record<string, number> {
    return Object.fromEntries([...this.windows].map(([name, window]) => [name, window.peak]));
  }

  /** When the job reads as done, and its queue time: for the bench's lag and the views' timings. */
  plan(job: FakeJob): Plan | undefined {
    return this.plans.get(job.id);
  }

  endsAt(job: FakeJob): number {
    return this.plans.get(job.id)!.endAt;
  }

  /**
   * On the clock the server and its client share, which the time scale runs fast: a client adds
   * SubModel's delayTime to the job's creation to find its start, as it would at scale 1.
   */
  spans(job: FakeJob): { queuedMs: number; runMs: number } {
    const plan = this.plans.get(job.id)!;
    return { queuedMs: plan.startAt - job.createdAt, runMs: plan.endAt - plan.startAt };
  }

  timeline(job: FakeJob, now: number): JobTimeline {
    const plan = this.plans.get(job.id)!;
    if (now < plan.startAt) {
      // first come first served: the jobs ahead are the earlier ones not started yet
      let started = 0;
      let high = this.startsInOrder.length;
      while (started < high) {
        const mid = (started + high) >> 1;
        if (this.startsInOrder[mid]! <= now) started = mid + 1;
        else high = mid;
      }
      return { phase: 'queued', progress: 0, queueRank: Math.max(0, plan.rank - started) };
    }
    if (now < plan.workEndAt) {
      const share = (now - plan.startAt) / (plan.workEndAt - plan.startAt);
      return { phase: 'running', progress: Math.floor(share * PROGRESS_STEPS) / PROGRESS_STEPS, queueRank: 0 };
    }
    if (now < plan.endAt) return { phase: 'running', progress: 1, queueRank: 0 };
    job.finishedAt ??= plan.endAt;
    if (!this.seenDoneAt.has(job.id)) this.seenDoneAt.set(job.id, now);
    return { phase: 'succeeded', progress: 1, queueRank: 0 };
  }

  admit(request: RecordedRequest): (() => void) | undefined {
    this.requestsSeen++;
    const kind = this.options.classify(request);
    if (kind === undefined) return () => undefined;
    const releases: (() => void)[] = [];
    for (const name of ['all', kind]) {
      const window = name === undefined ? undefined : this.windows.get(name);
      if (!window) continue;
      const release = window.tryAdmit(request.at);
      if (!release) {
        releases.forEach((undo) => undo());
        this.refused.set(name!, (this.refused.get(name!) ?? 0) + 1);
        return undefined;
      }
      releases.push(release);
    }
    return () => releases.forEach((release) => release());
  }

  latencyMs(): number {
    return LATENCY_MEDIAN_MS * Math.exp(LATENCY_SIGMA * this.latencyNormal()) * this.options.timeScale;
  }
}
