import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blindOptimum } from '../../bench/blindOptimum';
import { overOptimum, withRowOptimum, type SeedRun } from '../../bench/report';

// 100 jobs of 10–109 s: their lags (relative) are 1% each but for five of 10% in the first seed, none in the second
const durationsMs = Array.from({ length: 100 }, (_, i) => 10_000 + 1000 * i);
// where the looks landed; detected later by the answer's way back (here a flat 50%, which must not count)
const seed = (statusPerJob: number, late: number) =>
  ({
    statusPerJob,
    durationsMs,
    relative: Array.from({ length: 100 }, () => 0.5),
    landed: { relative: Array.from({ length: 100 }, (_, i) => (i < late ? 0.1 : 0.01)), absolute: [] },
  }) as unknown as Omit<SeedRun, 'optimum'>;

test("each seed's optimum is taken at the row's landed p95 (every seed's jobs), and the ratio is of the means", () => {
  const runs = withRowOptimum([seed(10, 10), seed(14, 0)]);
  // pooled: 10 of 200 lags are 10%, and the 95th percentile, sorted[190], is the first of them (each seed alone: 10% and 1%)
  const atRow = blindOptimum(durationsMs, 0.1);
  for (const run of runs) assert.deepEqual(run.optimum, atRow);
  assert.equal(overOptimum({ label: 'engine', runs }), 12 / atRow.achievable);
  assert.ok(blindOptimum(durationsMs, 0.01).achievable > atRow.achievable, 'a seed at its own 1% would have had a steeper anchor');
});
