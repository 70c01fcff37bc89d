// The engine's poll policy on a bench's clock: every interval scaled as the bench scales time, its
// shares of a job's age left as they are.
import type { PollPolicyOptions } from '../../src/core/jobs/pollPolicy';

export function policyOnBenchClock(policy: PollPolicyOptions, timeScale: number): PollPolicyOptions {
  return {
    ...policy,
    minIntervalMs: policy.minIntervalMs * timeScale,
    maxIntervalMs: policy.maxIntervalMs * timeScale,
    scoutMinIntervalMs: policy.scoutMinIntervalMs * timeScale,
  };
}
