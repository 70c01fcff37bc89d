// When to ask a provider about a job next. The interval grows with the job's age (a job that has
// run a minute will not finish in the next 500 ms) up to the typical duration of its kind, shrinks
// to a provider's ETA when it gives one,
// backs off on errors (never beyond the longest interval: the user's setting bounds every wait but
// a longer Retry-After), honours Retry-After, and stretches while the window is unfocused.

export interface PollPolicyOptions {
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  /** Interval as a share of the job's age: bounds detection lag to about this fraction of the duration. */
  readonly ageFraction: number;
  /**
   * Past the typical duration of its kind, the interval's ceiling as a share of that duration: the
   * interval stops growing there, as the slower half is where a share of the age is the most seconds
   * of lag.
   */
  readonly pastTypicalFraction: number;
  /**
   * The shortest interval for a scout of a kind nobody has timed (scouts.ts). Its looks only find when
   * the kind's first job ends, and a remote image job seldom ends within seconds: at the minimum
   * interval a scout took ten looks in its first five seconds, a batch's scouts more than all the
   * looks that the rest of the batch saves by waiting for them. Twice the scouts at half the rate see
   * the batch's quick end more surely for the same requests (scouts.ts): 3 s, not 1.5 s.
   */
  readonly scoutMinIntervalMs: number;
  /** ± share of randomness, so many jobs submitted together do not poll in lockstep. */
  readonly jitter: number;
  readonly unfocusedMultiplier: number;
  /** A queued job cannot finish before it runs: poll it this much less often. */
  readonly queuedMultiplier: number;
}

export const DEFAULT_POLL_POLICY: PollPolicyOptions = {
  minIntervalMs: 500,
  maxIntervalMs: 15_000,
  // 6.5%, not 7%: about one more look a job on the bench (still a quarter fewer than a 2 s loop) for
  // a p95 lag ~0.5 points lower, its absolute p95 ~0.15 s inside the 2 s loop's instead of at its edge
  ageFraction: 0.065,
  pastTypicalFraction: 0.065,
  scoutMinIntervalMs: 3000,
  jitter: 0.1,
  unfocusedMultiplier: 3,
  queuedMultiplier: 2,
};

/**
 * A scout's first look is spread over ±this share of its interval, where other jobs' are jittered by
 * `jitter`. The scouts are then looked at each at its own phase of the scouts' cadence, not all in the same
 * second: the kind's first result is seen when the first of the scouts that have ended is looked at,
 * not at the batch's next common look, which the quick end of a batch could fall just after (its
 * first result then came a whole scout interval later, and the jobs that ended meanwhile were late).
 */
const SCOUT_PHASE_SPREAD = 0.5;

/** ETAs longer than this many minimum intervals are refined before being trusted. */
const ETA_REFINE_ABOVE_MIN_INTERVALS = 6;

/**
 * Providers report progress in whole percents (TAMS, ComfyUI-style workers): each reading may be off
 * by this much, so a rate from two close readings is rough.
 */
const PROGRESS_RESOLUTION = 0.01;
/** Beyond this relative error an estimate is only a hint: look again halfway. */
const MAX_ETA_UNCERTAINTY = 0.4;
export interface ProgressEstimate {
  readonly etaMs: number;
  /** Relative error the readings allow (0.1: the finish may be 10% sooner or later). */
  readonly uncertainty: number;
}

/** Remaining time from two progress readings, assuming the rate holds; undefined until it can tell. */
export function estimateFromProgress(start: { at: number; progress: number }, now: number, progress: number): ProgressEstimate | undefined {
  // a job still running at "100%" was rounded up: it has up to half a step left
  const reading = Math.min(progress, 1 - PROGRESS_RESOLUTION / 2);
  const gained = reading - start.progress;
  const rate = gained / (now - start.at);
  if (!(rate > 0)) return undefined;
  return { etaMs: (1 - reading) / rate, uncertainty: (2 * PROGRESS_RESOLUTION) / gained };
}

export interface PollInputs {
  readonly ageMs: number;
  /** Provider's estimate of time to completion, when it gives one. */
  readonly etaMs?: number;
  /** Relative error of `etaMs` (0 or absent: the provider's own figure, taken as is). */
  readonly etaUncertainty?: number;
  readonly retryAfterMs?: number;
  readonly consecutiveErrors: number;
  readonly focused: boolean;
  readonly queued?: boolean;
  /** No recent job like this one finished before this age: nothing to look for until then. */
  readonly quietUntilAgeMs?: number;
  /**
   * How long a recent job of this kind typically took (the learned median). A running job past it is
   * no less likely to end in the next moment than one just at it, so the interval stops growing there:
   * at most `pastTypicalFraction` of it, a bound in absolute terms on the lag of the slower half.
   */
  readonly typicalDurationMs?: number;
  /** The job reports progress but one reading cannot give a rate yet: take the second one soon. */
  readonly awaitingRate?: boolean;
  /** A scout of a kind nobody has timed yet (scouts.ts): looked at no more often than `scoutMinIntervalMs`. */
  readonly scout?: boolean;
  /** The job's looks have their own phase already (pollMemory's `phased`): a guess from the age is not jittered again. */
  readonly phased?: boolean;
  /** 0..1; injected for tests. */
  readonly random: number;
}

/**
 * Whether the next look is a guess from the job's age: no estimate to aim at, no errors to back off
 * from. Only such a look is jittered, once per job (`phased`).
 */
export function guessesFromAge(inputs: Pick<PollInputs, 'etaMs' | 'consecutiveErrors'>): boolean {
  return !(inputs.etaMs !== undefined && inputs.etaMs >= 0) && inputs.consecutiveErrors === 0;
}

export function nextPollDelay(inputs: PollInputs, options: PollPolicyOptions = DEFAULT_POLL_POLICY): number {
  const etaMs = inputs.etaMs !== undefined && inputs.etaMs >= 0 ? inputs.etaMs : undefined;
  const backingOff = inputs.consecutiveErrors > 0;
  let delay = Math.min(options.maxIntervalMs, Math.max(options.minIntervalMs, inputs.ageMs * options.ageFraction));
  if (inputs.scout) delay = Math.max(delay, options.scoutMinIntervalMs);
  if (inputs.queued) delay = Math.min(options.maxIntervalMs, delay * options.queuedMultiplier);
  else if (inputs.typicalDurationMs)
    delay = Math.min(delay, Math.max(options.minIntervalMs, inputs.typicalDurationMs * options.pastTypicalFraction));
  if (inputs.awaitingRate) delay = Math.max(options.minIntervalMs, delay / 3);
  if (etaMs !== undefined) {
    // an estimate beats a guess from the age, in either direction. While it is far off or rough, look
    // again before its earliest plausible finish (a longer baseline sharpens it); once close and sharp,
    // poll just after it. Late costs lag; early costs one request.
    const uncertainty = Math.min(MAX_ETA_UNCERTAINTY, inputs.etaUncertainty ?? 0);
    const far = etaMs > ETA_REFINE_ABOVE_MIN_INTERVALS * options.minIntervalMs;
    const target = far ? etaMs * (0.9 - uncertainty) : uncertainty > 0.02 ? etaMs * (1 - uncertainty) : etaMs * 1.01 + 10;
    // the provider says it is nearly done: worth looking sooner than the usual minimum
    delay = Math.min(options.maxIntervalMs, Math.max(options.minIntervalMs / 4, target));
  }
  if (backingOff) {
    // jittered so jobs that failed together do not retry together, and still within the bound
    const backoff = Math.max(delay, 1000 * 2 ** Math.min(inputs.consecutiveErrors, 16)) * (1 + options.jitter * (inputs.random * 2 - 1));
    delay = Math.min(options.maxIntervalMs, backoff);
  }
  if (!inputs.focused) delay *= options.unfocusedMultiplier;
  // a poll aimed at a per-job estimate is spread already: jitter would only add lag (or a wasted early
  // look). A guess from the age is jittered once, so jobs submitted together do not poll in lockstep;
  // the job's later looks keep that phase (each interval a share of the age, or the cap), where
  // jittering every one let some intervals run 10% long: more lag for the same requests.
  if (guessesFromAge(inputs) && !inputs.phased) delay *= 1 + (inputs.scout ? SCOUT_PHASE_SPREAD : options.jitter) * (inputs.random * 2 - 1);
  const quietLeft = (inputs.quietUntilAgeMs ?? 0) - inputs.ageMs;
  // only a guess from the age yields to the quiet period; jittered only earlier, as it has its margin
  if (etaMs === undefined && !backingOff && quietLeft > delay) delay = Math.max(delay, quietLeft * (1 - options.jitter * inputs.random));
  if (inputs.retryAfterMs !== undefined) delay = Math.max(delay, inputs.retryAfterMs);
  return Math.round(delay);
}
