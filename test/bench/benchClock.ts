// The engine's settings on a bench's clock: every interval and every rate window scaled as the bench
// scales time; shares of a job's age and counts of requests left as they are.
import type { PollPolicyOptions } from '../../src/core/jobs/pollPolicy';
import type { ProviderLimits } from '../../src/core/providers/providerGate';

export function policyOnBenchClock(policy: PollPolicyOptions, timeScale: number): PollPolicyOptions {
  return {
    ...policy,
    minIntervalMs: policy.minIntervalMs * timeScale,
    maxIntervalMs: policy.maxIntervalMs * timeScale,
    scoutMinIntervalMs: policy.scoutMinIntervalMs * timeScale,
  };
}

export function limitsOnBenchClock(limits: ProviderLimits, timeScale: number): ProviderLimits {
  const rates = Object.fromEntries(
    Object.entries(limits.rates ?? {}).map(([kind, rate]) => [kind, { ...rate, perMs: rate.perMs * timeScale }]),
  );
  return { ...limits, rates };
}
