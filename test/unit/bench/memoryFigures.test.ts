// The memory bench's arithmetic: per-job shares of live memory, the growth between batch sizes that
// tells a leak from fixed costs, medians, allocation from GC spans and the GC pauses it keeps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocatedBetween, gcPauses, growthPerJob, kbPerJob, liveBytes, median, type LiveMemory } from '../../bench/memoryFigures';

const memory = (heapUsed: number, code: number, external: number, arrayBuffers = 0): LiveMemory => ({
  heapUsed,
  code,
  external,
  arrayBuffers,
});

test('live memory is the heap without its code, plus external memory; array buffers, a part of external, are not added twice', () => {
  assert.equal(liveBytes(memory(10_000, 3_000, 500, 400)), 7_500);
});

test('KB per job shares the growth over the baseline out over the jobs, and goes negative when memory fell', () => {
  const baseline = memory(8 * 1024 * 1024, 2 * 1024 * 1024, 1024 * 1024);
  // 1,000 jobs adding 2,048,000 bytes of data, while V8 compiled another 512 KB of code
  const withJobs = memory(baseline.heapUsed + 2_048_000 + 512 * 1024, baseline.code + 512 * 1024, baseline.external);
  assert.equal(kbPerJob(baseline, withJobs, 1000), 2);
  assert.equal(kbPerJob(baseline, memory(baseline.heapUsed - 102_400, baseline.code, baseline.external), 100), -1);
});

test('growth per job between two batch sizes cancels what does not grow with the jobs', () => {
  // 300 KB fixed (a pool, a map's spare room) plus 0.05 KB per job
  const at = (jobs: number) => ({ jobs, kbPerJob: (300 + 0.05 * jobs) / jobs });
  assert.ok(Math.abs(growthPerJob(at(100), at(5000)) - 0.05) < 1e-12);
  assert.ok(at(100).kbPerJob > 3, 'the smaller batch alone would show the fixed part as 3 KB a job');
});

test('median of an odd and an even count, unsorted input left as it was; NaN for none', () => {
  const values = [5, 1, 3];
  assert.equal(median(values), 3);
  assert.deepEqual(values, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('allocation is the heap growth plus whatever each collection freed', () => {
  // from 10 MB: allocate 6 (→16), a scavenge frees 5 (→11), allocate 4 (→15), a full GC frees 3 (→12), allocate 1 (→13)
  const collections = [
    { usedBefore: 16, usedAfter: 11 },
    { usedBefore: 15, usedAfter: 12 },
  ];
  assert.equal(allocatedBetween(10, 13, collections), 6 + 4 + 1);
  // a collection that found the heap grew (promotion accounting) frees nothing
  assert.equal(allocatedBetween(10, 12, [{ usedBefore: 11, usedAfter: 11.5 }]), 2);
});

test("GC pauses count V8's own collections, sum and longest, not the forced ones", () => {
  const pauses = [
    { durationMs: 2, forced: false },
    { durationMs: 40, forced: true },
    { durationMs: 7, forced: false },
    { durationMs: 1, forced: false },
  ];
  assert.deepEqual(gcPauses(pauses), { count: 3, sumMs: 10, maxMs: 7 });
  assert.deepEqual(gcPauses([{ durationMs: 40, forced: true }]), { count: 0, sumMs: 0, maxMs: 0 });
});
