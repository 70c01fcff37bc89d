// The joint optimum (relative and absolute p95 limits at once) against brute force over every subset of
// a grid that holds, besides the D(1 + ℓ) and D + A points the dynamic program uses, every duration and
// every midpoint between neighbouring points: the claim that optimal polls sit at those points is
// checked, not assumed. With no absolute limit it must fall inside the relative-only bracket.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blindOptimum, jobsToCover } from '../../bench/blindOptimum';
import { evaluateSchedule, jointOptimum, type LagLimits } from '../../bench/jointOptimum';

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Fewest requests per job over every subset of `grid` meeting both limits for the share's jobs. */
function bruteForce(durations: number[], limits: LagLimits, grid: number[]): number {
  const points = [...new Set(grid)].sort((a, b) => a - b);
  const needed = jobsToCover(durations.length, limits.share);
  let best = Infinity;
  for (let mask = 1; mask < 1 << points.length; mask++) {
    const polls = points.filter((_, i) => mask & (1 << i));
    const { requestsPerJob, relativeCovered, absoluteCovered } = evaluateSchedule(durations, polls, limits);
    if (relativeCovered >= needed && absoluteCovered >= needed) best = Math.min(best, requestsPerJob);
  }
  return best;
}

function candidates(durations: number[], limits: LagLimits): number[] {
  return [...durations.map((d) => d * (1 + limits.relative)), ...durations.map((d) => d + limits.absolute)];
}

function withMidpoints(points: number[]): number[] {
  const sorted = [...new Set(points)].sort((a, b) => a - b);
  return [...sorted, ...sorted.slice(1).map((x, i) => (x + sorted[i]!) / 2)];
}

/**
 * Short jobs and long ones, so polls can be shared within each group, and the absolute limit is the
 * tighter one for the long jobs only: a case where neither limit alone decides the schedule.
 */
const cases = Array.from({ length: 60 }, (_, c) => {
  const random = seeded(11 + c);
  const n = [3, 6, 7, 8][c % 4]!;
  const durations = Array.from({ length: n }, (_, i) => Math.round(i % 2 ? 10 + 6 * random() : 45 + 15 * random()));
  const relative = [0.1, 0.2, 0.3][c % 3]!;
  const limits: LagLimits = {
    relative,
    absolute: relative * [20, 25, 30][Math.floor(c / 3) % 3]!,
    share: [0.6, 0.8, 1][Math.floor(c / 9) % 3]!,
  };
  return { durations, limits };
});

test('the joint optimum equals brute force over its candidate points, and its schedule makes what it claims', () => {
  let bothBind = 0;
  for (const { durations, limits } of cases) {
    const exact = bruteForce(durations, limits, candidates(durations, limits));
    const { requestsPerJob, polls } = jointOptimum(durations, limits);
    assert.ok(
      Math.abs(requestsPerJob - exact) < 1e-9,
      `DP ${requestsPerJob} vs brute force ${exact} for ${durations} at ${JSON.stringify(limits)}`,
    );
    const made = evaluateSchedule(durations, polls, limits);
    const needed = jobsToCover(durations.length, limits.share);
    assert.ok(Math.abs(made.requestsPerJob - requestsPerJob) < 1e-9, 'the schedule makes the requests claimed');
    assert.ok(made.relativeCovered >= needed && made.absoluteCovered >= needed, 'the schedule meets both limits');
    const alone = (relative: number, absolute: number) => jointOptimum(durations, { ...limits, relative, absolute }).requestsPerJob;
    if (requestsPerJob > Math.max(alone(limits.relative, Infinity), alone(Infinity, limits.absolute)) + 1e-9) bothBind++;
  }
  // the cases test the two limits together, not one of them alone
  assert.ok(bothBind >= 4, `both limits bind in ${bothBind} of ${cases.length} cases`);
});

// three jobs only: 17 points, 2^17 subsets
test('no point off the candidates does better: brute force over durations and midpoints too', () => {
  for (const { durations, limits } of cases.filter(({ durations }) => durations.length === 3)) {
    const grid = withMidpoints([...durations, ...candidates(durations, limits)]);
    const finer = bruteForce(durations, limits, grid);
    assert.ok(Math.abs(jointOptimum(durations, limits).requestsPerJob - finer) < 1e-9, `finer grid ${finer} for ${durations}`);
  }
});

test('with no absolute limit it is the relative-only optimum, inside its Lagrangian bracket', () => {
  const random = seeded(3);
  for (let c = 0; c < 20; c++) {
    const durations = Array.from({ length: 60 }, () => 20 * Math.exp(0.5 * (random() + random() + random() - 1.5)));
    const relative = [0.08, 0.15, 0.3][c % 3]!;
    const { requestsPerJob } = jointOptimum(durations, { relative, absolute: Infinity });
    const { lowerBound, achievable } = blindOptimum(durations, relative);
    assert.ok(
      lowerBound <= requestsPerJob + 1e-9 && requestsPerJob <= achievable + 1e-9,
      `${lowerBound} ≤ ${requestsPerJob} ≤ ${achievable}`,
    );
  }
});

test('a tight absolute limit costs requests the relative one alone would not', () => {
  const durations = [10, 11, 12, 13];
  // within 50%: one poll at 15 sees all four
  assert.equal(jointOptimum(durations, { relative: 0.5, absolute: Infinity, share: 1 }).requestsPerJob, 1);
  // within 1 unit as well: polls at 11 (sees 10 and 11) and 13 (12 and 13)
  assert.deepEqual(jointOptimum(durations, { relative: 0.5, absolute: 1, share: 1 }), { requestsPerJob: 1.5, polls: [11, 13] });
});

test('where each limit binds on other jobs, the joint optimum costs more than either alone', () => {
  // ℓ = 10%, A = 2: the short jobs' relative windows are the tighter ([10, 11], [11.5, 12.65]), the
  // long jobs' absolute ones ([50, 52], [54, 56]); relative alone shares a poll at 55 for the long
  // pair, absolute alone one at 12 for the short pair; both at once share neither
  const durations = [10, 11.5, 50, 54];
  const limits = { relative: 0.1, absolute: 2, share: 1 };
  assert.equal(jointOptimum(durations, { ...limits, absolute: Infinity }).requestsPerJob, 9 / 4);
  assert.equal(jointOptimum(durations, { ...limits, relative: Infinity }).requestsPerJob, 7 / 4);
  const joint = jointOptimum(durations, limits);
  assert.equal(joint.requestsPerJob, 10 / 4);
  assert.equal(bruteForce(durations, limits, [...durations, ...candidates(durations, limits)]), 10 / 4);
});
