// The progress notification's line: one job by its prompt and state; several by how many are done of
// all it showed, so the total does not shrink as jobs finish ("64 jobs" becoming "60 jobs", then "55").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressMessage } from '../../../src/views/progressMessage';
import { sampleJob } from '../../fixtures/sampleJobs';

test('one job: its prompt and state', () => {
  const job = { ...sampleJob('a', 'running'), progress: 0.4 };
  assert.match(progressMessage([job]), /^".+": running 40%$/);
});

test('several: done of all shown, then the unfinished ones by state', () => {
  const unfinished = [sampleJob('a', 'running'), sampleJob('b', 'running'), sampleJob('c', 'queued')];
  assert.equal(progressMessage(unfinished, 6), '3 of 6 done: 2 running, 1 queued');
  assert.equal(progressMessage(unfinished), '0 of 3 done: 2 running, 1 queued');
  assert.equal(progressMessage([sampleJob('c', 'queued')], 6), '5 of 6 done: 1 queued', 'the last one still counts the others');
});

test('a submission held back says why and until when; among several, how many and the soonest', () => {
  const at = (h: number, m: number, sec: number) => new Date(2024, 0, 1, h, m, sec).getTime();
  const held = (id: string, until: number) => ({
    ...sampleJob(id, 'submitting'),
    waitingToSend: { until, reason: 'Rate limited by Serika', rateLimited: true },
  });
  assert.match(progressMessage([held('a', at(15, 4, 10))]), /^".+": Rate limited by Serika: sending again at 15:04:10$/);
  assert.match(progressMessage([sampleJob('a', 'submitting')]), /^".+": submitting…$/);
  assert.equal(
    progressMessage([held('a', at(15, 4, 30)), held('b', at(15, 4, 10)), sampleJob('c', 'running')], 4),
    '1 of 4 done: 2 rate limited, 1 running. Rate limited by Serika: sending again at 15:04:10',
  );
});

test("jobs waiting their turn are counted in the rows' words, not as 'submitting'", () => {
  const waiting = (id: string) => ({ ...sampleJob(id, 'submitting'), waitingToSend: {} });
  assert.equal(progressMessage([sampleJob('a', 'submitting'), waiting('b'), waiting('c')]), '0 of 3 done: 1 submitting, 2 waiting to send');
  assert.match(progressMessage([waiting('b')]), /^".+": waiting to send…$/);
});
