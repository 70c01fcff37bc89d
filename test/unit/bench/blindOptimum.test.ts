// The bench's blind optimum against brute force: every subset of a grid that holds, besides the
// D(1 + ℓ) points the dynamic program uses, every duration and every midpoint between neighbouring
// grid points, so the claim that optimal polls sit at D(1 + ℓ) is checked too, not assumed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blindOptimum, jobsToCover } from '../../bench/blindOptimum';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Fewest requests per job over every subset of `grid` whose polls cover `needed` jobs within `lag`. */
function bruteForce(durations: number[], lag: number, needed: number, grid: number[]): number {
  const points = [...new Set(grid)].sort((a, b) => a - b);
  const longest = Math.max(...durations);
  let best = Infinity;
  for (let mask = 1; mask < 1 << points.length; mask++) {
    const polls = points.filter((_, i) => mask & (1 << i));
    if (polls[polls.length - 1]! < longest) continue;
    let requests = 0;
    let covered = 0;
    for (const d of durations) {
      const seeing = polls.findIndex((p) => p >= d);
      requests += seeing + 1;
      if (polls[seeing]! <= d * (1 + lag)) covered++;
    }
    if (covered >= needed) best = Math.min(best, requests / durations.length);
  }
  return best;
}

test('the blind optimum brackets the brute-force optimum over a finer grid', () => {
  const random = seeded(7);
  let closed = 0;
  const cases = 40;
  for (let c = 0; c < cases; c++) {
    const n = c % 2 ? 4 : 8; // the finer grid for small batches only: 2^15 subsets
    const durations = Array.from({ length: n }, () => Math.round(10 + 90 * random()));
    const lag = [0.05, 0.2, 0.5][c % 3]!;
    const share = [0.5, 0.75, 0.95][c % 3]!;
    const needed = jobsToCover(n, share);
    const stretched = durations.map((d) => d * (1 + lag));
    const coarse = [...durations, ...stretched].sort((a, b) => a - b);
    const midpoints = coarse.slice(1).map((x, i) => (x + coarse[i]!) / 2);
    const exact = bruteForce(durations, lag, needed, stretched);
    if (n === 4)
      assert.equal(bruteForce(durations, lag, needed, [...coarse, ...midpoints]), exact, 'the D(1 + ℓ) points alone reach the optimum');
    const { lowerBound, achievable } = blindOptimum(durations, lag, share);
    assert.ok(lowerBound <= exact + 1e-9, `bound ${lowerBound} ≤ optimum ${exact} for ${durations} at ℓ ${lag}`);
    assert.ok(achievable >= exact - 1e-9, `a schedule of ${achievable} cannot beat the optimum ${exact}`);
    if (achievable - lowerBound < 1e-9) closed++;
  }
  // the bracket closes (the optimum is exact) in most cases; it never crosses
  assert.ok(closed >= cases / 2, `closed in ${closed} of ${cases} cases`);
});

test('full coverage at zero lag polls once at every distinct duration', () => {
  const durations = [1, 2, 2, 3];
  // polls at 1, 2, 3: requests 1, 2, 2, 3
  assert.deepEqual(blindOptimum(durations, 0, 1), { lowerBound: 2, achievable: 2 });
});

test('a wide lag lets one poll at the longest duration see everything', () => {
  assert.deepEqual(blindOptimum([10, 12, 14], 0.5, 1), { lowerBound: 1, achievable: 1 });
});
