// The fewest status requests per job that any schedule blind to the jobs' state can make (the same poll
// times after submission for every job) while a required share of jobs is detected within a relative
// lag ℓ, given the batch's duration distribution in advance. The anchor every polling row is judged by.
//
// A job of duration D is covered iff the first poll at or after D lands by D(1 + ℓ). A poll can always
// move later until it reaches some D_k(1 + ℓ) without uncovering a job or adding a request, so the
// optimal polls are among those points. Requests per job = 1 + Σᵢ P(D > pᵢ): every poll before the job
// ended, and the one that sees it. A Lagrange multiplier λ on coverage turns "fewest requests with
// coverage ≥ N" into an O(n²) dynamic program over the last poll; bisecting λ brackets the optimum:
// the dual gives a bound no schedule beats, the best λ-optimal schedule meeting N is one that exists.

export interface BlindOptimum {
  /** No blind schedule meeting the coverage needs fewer requests per job than this. */
  readonly lowerBound: number;
  /** A blind schedule meeting the coverage makes this many: equal to the bound when the bracket is closed. */
  readonly achievable: number;
}

/** Jobs that must be covered for the bench's p95 (sorted[floor(0.95 n)] ≤ ℓ) to hold. */
export function jobsToCover(n: number, share = 0.95): number {
  return Math.min(n, Math.floor(share * n) + 1);
}

/** Count of sorted values ≤ x (strict: < x). */
export function countAtMost(sorted: Float64Array, x: number, strict = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (strict ? sorted[mid]! < x : sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Solution {
  /** Total requests over all jobs. */
  readonly requests: number;
  readonly covered: number;
}

/** Minimises requests − λ·covered over schedules of polls at d_k(1 + ℓ) whose last poll sees every job. */
function solveLagrangian(d: Float64Array, lag: number, lambda: number): Solution {
  const n = d.length;
  const poll = d.map((x) => x * (1 + lag));
  const upTo = Int32Array.from(poll, (p) => countAtMost(d, p));
  const below = Int32Array.from(d, (x) => countAtMost(d, x, true));
  const value = new Float64Array(n);
  const requests = new Float64Array(n);
  const covered = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const pollCost = n - upTo[m]!; // jobs still running when this poll comes
    // as the first poll: it covers every job in [d_m, poll_m]
    let bestValue = pollCost - lambda * (upTo[m]! - below[m]!);
    let bestRequests = pollCost;
    let bestCovered = upTo[m]! - below[m]!;
    for (let i = 0; i < m; i++) {
      if (poll[i]! >= poll[m]!) continue;
      const gain = Math.max(0, upTo[m]! - Math.max(upTo[i]!, below[m]!));
      const candidate = value[i]! + pollCost - lambda * gain;
      if (candidate < bestValue - 1e-9 || (candidate < bestValue + 1e-9 && covered[i]! + gain > bestCovered)) {
        bestValue = candidate;
        bestRequests = requests[i]! + pollCost;
        bestCovered = covered[i]! + gain;
      }
    }
    value[m] = bestValue;
    requests[m] = bestRequests;
    covered[m] = bestCovered;
  }
  let best = -1;
  for (let m = 0; m < n; m++) {
    if (poll[m]! < d[n - 1]!) continue; // the last poll must see the longest job
    if (best < 0 || value[m]! < value[best]! - 1e-9 || (value[m]! < value[best]! + 1e-9 && covered[m]! > covered[best]!)) best = m;
  }
  return { requests: n + requests[best]!, covered: covered[best]! };
}

export function blindOptimum(durations: readonly number[], lag: number, share = 0.95): BlindOptimum {
  const d = Float64Array.from(durations).sort();
  const n = d.length;
  if (n === 0) return { lowerBound: NaN, achievable: NaN };
  const needed = jobsToCover(n, share);
  let lowerBound = 0;
  let achievable = Infinity;
  const consider = (lambda: number): Solution => {
    const solution = solveLagrangian(d, lag, lambda);
    lowerBound = Math.max(lowerBound, solution.requests - lambda * (solution.covered - needed));
    if (solution.covered >= needed) achievable = Math.min(achievable, solution.requests);
    return solution;
  };
  // at λ > n one more covered job outweighs any poll (a poll costs at most n requests)
  let low = 0;
  let high = n + 1;
  if (consider(low).covered < needed) {
    consider(high);
    for (let step = 0; step < 40 && high - low > 1e-7; step++) {
      const mid = (low + high) / 2;
      if (consider(mid).covered >= needed) high = mid;
      else low = mid;
    }
  }
  return { lowerBound: lowerBound / n, achievable: achievable / n };
}
