import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fittedElsewhere, pollBatch } from '../../bench/sampleFit';
import type { Row, SeedRun } from '../../bench/report';

test('a blind schedule on a batch: the polls before each job ended and the one that sees it; a job past the last poll is never seen', () => {
  const { requestsPerJob, relativeLags, seenWithinLag } = pollBatch([9, 15, 25], [10, 20], 0.2);
  // 9 s: seen by the first poll; 15 s: two polls; 25 s: both polls and one more look
  assert.equal(requestsPerJob, (1 + 2 + 3) / 3);
  assert.deepEqual(relativeLags, [1 / 9, 5 / 15, Infinity]);
  assert.equal(seenWithinLag, 1, 'only the 9 s job is seen within 20%');
  assert.deepEqual(pollBatch([10], [10], 0), { requestsPerJob: 1, relativeLags: [0], seenWithinLag: 1 }, 'a poll as the job ends sees it');
  // the optimum's own test, poll ≤ D(1 + ℓ): a poll at the edge counts, whatever the rounding of (poll − D)/D
  assert.equal(pollBatch([10.5], [10.5 * 1.1], 0.1).seenWithinLag, 1);
});

/** A row whose seeds' batches have these durations, every job detected at `lag`. */
function row(batches: number[][], lag: number): Row {
  const run = (durationsMs: number[]) =>
    ({ durationsMs, landed: { relative: durationsMs.map(() => lag), absolute: [] }, statusPerJob: 1 }) as unknown as SeedRun;
  return { label: 'engine', runs: batches.map(run) };
}

test("fitted to another batch like its own, the optimum's schedule does as well there", () => {
  // at 10%, one poll at 11 s covers twenty 10 s jobs
  const same = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(10)], 0.1))!;
  assert.equal(same.seenWithinLag, 1);
  assert.equal(same.requestsPerJob, 1);
  assert.equal(same.inSampleRequestsPerJob, 1);
  assert.equal(fittedElsewhere(row([Array(20).fill(10)], 0.1)), undefined, 'one seed has no other batch');
});

test("fitted to the other seeds' batches, the optimum's schedule leaves uncovered what they did not hold", () => {
  // its polls sit at the latest point the jobs it was fitted to allow: fitted to 10.5 s jobs, 11.55 s
  // sees 10 s jobs 15.5% late; fitted to 10 s jobs, 11 s sees 10.5 s jobs within 5%
  const slower = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(10.5)], 0.1))!;
  assert.equal(slower.seenWithinLag, 0.5);
  // 11.5 s jobs end after 10 s jobs' only poll: that poll and one more look each, never seen in time;
  // 10 s jobs are seen by 11.5 s jobs' 12.65 s, 26.5% late
  const apart = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(11.5)], 0.1))!;
  assert.equal(apart.seenWithinLag, 0);
  assert.equal(apart.relativeP95, Infinity);
  assert.equal(apart.requestsPerJob, (1 + 2) / 2, 'counted on the batch polled, not taken from the fit');
  assert.equal(apart.inSampleRequestsPerJob, 1, 'on its own batch, one poll sees every job');
  // three seeds: each is polled by the optimum of the other two together; fitted to 10 s jobs as well,
  // it polls at 11 s, which sees both kinds within 10%
  const pooled = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(10.5), Array(20).fill(10)], 0.1))!;
  assert.equal(pooled.seenWithinLag, 1);
});
