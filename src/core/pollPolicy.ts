// When to ask a provider about a job next. The interval grows with the job's age (a job that has
// run a minute will not finish in the next 500 ms), shrinks to a provider's ETA when it gives one,
// backs off on errors, honours Retry-After, and stretches while the window is unfocused.

export interface PollPolicyOptions {
  readonly minIntervalMs: number;
  readonly maxIntervalMs: number;
  /** Interval as a share of the job's age: bounds detection lag to about this fraction of the duration. */
  readonly ageFraction: number;
  /** ± share of randomness, so many jobs submitted together do not poll in lockstep. */
  readonly jitter: number;
  readonly unfocusedMultiplier: number;
  readonly maxErrorBackoffMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicyOptions = {
  minIntervalMs: 500,
  maxIntervalMs: 15_000,
  ageFraction: 0.12,
  jitter: 0.1,
  unfocusedMultiplier: 3,
  maxErrorBackoffMs: 120_000,
};

export interface PollInputs {
  readonly ageMs: number;
  /** Provider's estimate of time to completion, when it gives one. */
  readonly etaMs?: number;
  readonly retryAfterMs?: number;
  readonly consecutiveErrors: number;
  readonly focused: boolean;
  /** 0..1; injected for tests. */
  readonly random: number;
}

export function nextPollDelay(inputs: PollInputs, options: PollPolicyOptions = DEFAULT_POLL_POLICY): number {
  let delay = Math.min(options.maxIntervalMs, Math.max(options.minIntervalMs, inputs.ageMs * options.ageFraction));
  if (inputs.etaMs !== undefined && inputs.etaMs >= 0 && inputs.etaMs < delay) {
    // poll just after the provider expects to be done, not a whole interval later
    delay = Math.max(options.minIntervalMs, inputs.etaMs + 100);
  }
  if (inputs.consecutiveErrors > 0) {
    delay = Math.min(options.maxErrorBackoffMs, Math.max(delay, 1000 * 2 ** Math.min(inputs.consecutiveErrors, 16)));
  }
  if (!inputs.focused) delay *= options.unfocusedMultiplier;
  delay *= 1 + options.jitter * (inputs.random * 2 - 1);
  if (inputs.retryAfterMs !== undefined) delay = Math.max(delay, inputs.retryAfterMs);
  return Math.round(delay);
}
