import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratioInterval } from '../../bench/ratioInterval';
import { overOptimum, withRowOptimum, type SeedRun } from '../../bench/report';

const durationsMs = Array.from({ length: 100 }, (_, i) => 10_000 + 1000 * i);
// lags where the looks landed, which the optimum is read at; the detection lags are left out
const seed = (relative: number[]) =>
  ({ statusPerJob: 12, durationsMs, landed: { relative, absolute: [] } }) as unknown as Omit<SeedRun, 'optimum'>;
const row = (relative: number[]) => ({ label: 'engine', runs: withRowOptimum([seed(relative)]) });

test('lags that are all alike leave the p95 nothing to vary: the interval is the ratio itself', () => {
  const alike = row(Array.from({ length: 100 }, () => 0.05));
  const { low, high } = ratioInterval(alike);
  assert.equal(low, overOptimum(alike));
  assert.equal(high, overOptimum(alike));
});

test("a thin tail at the p95 spreads the ratio around the row's own, wider the thinner it is", () => {
  // 1% to 10% in even steps: the p95 of a resample lands anywhere from ~8.5% to 10%
  const even = row(Array.from({ length: 100 }, (_, i) => 0.01 + 0.0009 * i));
  // most lags at 2%, a few spread far beyond: the p95 of a resample jumps between them
  const thin = row(Array.from({ length: 100 }, (_, i) => (i < 90 ? 0.02 : 0.02 + 0.01 * (i - 89))));
  for (const candidate of [even, thin]) {
    const { low, high } = ratioInterval(candidate);
    const ratio = overOptimum(candidate);
    assert.ok(low < ratio && ratio < high, `${low} < ${ratio} < ${high}`);
  }
  const width = (candidate: typeof even) => ratioInterval(candidate).high - ratioInterval(candidate).low;
  assert.ok(width(thin) > width(even), `${width(thin)} > ${width(even)}`);
});
