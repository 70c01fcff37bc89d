import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fittedElsewhere, pollBatch } from '../../bench/sampleFit';
import type { Row, SeedRun } from '../../bench/report';

test('a blind schedule on a batch: the polls before each job ended and the one that sees it; a job past the last poll is never seen', () => {
  const { requestsPerJob, relativeLags } = pollBatch([9, 15, 25], [10, 20]);
  // 9 s: seen by the first poll; 15 s: two polls; 25 s: both polls and one more look
  assert.equal(requestsPerJob, (1 + 2 + 3) / 3);
  assert.deepEqual(relativeLags, [1 / 9, 5 / 15, Infinity]);
});

/** A row whose seeds' batches have these durations, every job detected at `lag`. */
function row(batches: number[][], lag: number): Row {
  const run = (durationsMs: number[]) => ({ durationsMs, relative: durationsMs.map(() => lag) }) as unknown as SeedRun;
  return { label: 'engine', runs: batches.map(run) };
}

test("fitted to the other seeds' batches and polled on each seed's: the optimum loses the gaps it had fitted its polls into", () => {
  // at 10%, one poll at 11 s covers twenty 10 s jobs: on another batch of 10 s jobs it does as well
  const same = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(10)], 0.1))!;
  assert.equal(same.seenWithinLag, 1);
  assert.equal(same.requestsPerJob, 1);
  // its polls sit at the latest point its own jobs allow: 10.5 s jobs' 11.55 s sees 10 s jobs 15.5% late
  const slower = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(10.5)], 0.1))!;
  assert.equal(slower.seenWithinLag, 0.5, "the 10 s jobs' 11 s sees 10.5 s jobs within 5%; the other way, late");
  // 11.5 s jobs end after 10 s jobs' only poll: never seen in time
  const apart = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(11.5)], 0.1))!;
  assert.equal(apart.seenWithinLag, 0);
  assert.equal(apart.relativeP95, Infinity);
  // three seeds: each is polled by the optimum of the other two together; fitted to 10 s jobs as well, it
  // polls at 11 s, which sees both kinds within 10%
  const pooled = fittedElsewhere(row([Array(20).fill(10), Array(20).fill(10.5), Array(20).fill(10)], 0.1))!;
  assert.equal(pooled.seenWithinLag, 1);
  assert.equal(fittedElsewhere(row([Array(20).fill(10)], 0.1)), undefined, 'one seed has no other batch');
});
