import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DurationHistory } from '../../../src/core/jobs/durationHistory';
import type { GenerationRequest, JobRecord } from '../../../src/core/jobModel';

const serika: GenerationRequest = { providerId: 'serika', model: 'sdxl', prompt: 'p', params: { width: 512, height: 512, count: 1 } };
const finished = (request: GenerationRequest, createdAt: number, durationMs: number, startedAt?: number) =>
  ({ status: 'succeeded', request, createdAt, startedAt, resultAt: createdAt + durationMs }) as unknown as JobRecord;

test('the duration history learns per kind of job, from finished jobs that survive a reload', () => {
  const other = { ...serika, params: { ...serika.params, width: 1024 } };
  const jobs = Array.from({ length: 8 }, (_, i) => finished(serika, i * 1000, 10_000 + i * 500));
  const history = DurationHistory.fromJobs(jobs);
  assert.equal(history.quietPeriodMs(serika), 9000, '0.9 × the quickest of 8 (the 4% quantile of so few)');
  assert.equal(history.quietPeriodMs(other), 0, 'another size is another kind');
  assert.ok(history.isNew(other) && !history.isNew(serika));
  assert.equal(DurationHistory.fromJobs(jobs.slice(0, 7)).quietPeriodMs(serika), 0, 'too few to tell');
});

test('a result makes its kind known however it counts: one still downloading after a reload, one whose duration is no use', () => {
  const downloading = { ...finished(serika, 0, 5000), status: 'downloading' } as JobRecord;
  assert.ok(!DurationHistory.fromJobs([downloading]).isNew(serika), 'its result was seen before the reload');
  const history = new DurationHistory();
  history.record(finished(serika, 10_000, 0), 10_000); // the clock stepped back: seen at its submission
  assert.ok(!history.isNew(serika), 'the kind is not scouted again');
  assert.equal(history.quietPeriodMs(serika), 0, 'but no duration is learnt from it');
});

test('the quiet period ends at a low quantile of the last 50, not at one outlier', () => {
  const history = new DurationHistory();
  history.record(finished(serika, 0, 2000), 2000);
  for (let i = 0; i < 49; i++) history.record(finished(serika, 0, 20_000 + 1000 * i), 20_000 + 1000 * i);
  // sorted: 2 s, 20 s, 21 s, …; floor(0.04 × 50) = 2 → the third quickest, 21 s
  assert.equal(history.quietPeriodMs(serika), 0.9 * 21_000, 'a single 2 s job does not make every job pay for it');
  for (let i = 0; i < 3; i++) history.record(finished(serika, 0, 40_000), 40_000);
  // the 2 s, 20 s and 21 s jobs have left the window of 50: 22 s, 23 s, 24 s … remain
  assert.equal(history.quietPeriodMs(serika), 0.9 * 24_000);
});

test('where the provider reports queue time, a duration counts from the start, so a queued batch learns run times', () => {
  const submodel: GenerationRequest = { ...serika, providerId: 'submodel' };
  const history = new DurationHistory();
  // queued 30 s, then ran 10 s: 10 s is what the next job, once started, will take
  for (let i = 0; i < 8; i++) history.record(finished(submodel, 0, 40_000, 30_000), 40_000);
  assert.equal(history.quietPeriodMs(submodel), 9000);
  // Serika reports no queue time: its start is a guess from the looks, so the whole time counts
  for (let i = 0; i < 8; i++) history.record(finished(serika, 0, 40_000, 30_000), 40_000);
  assert.equal(history.quietPeriodMs(serika), 36_000);
});

test('a batch starts from how long the last jobs ran, where the provider says; while it runs, from when their results were seen', () => {
  const submodel: GenerationRequest = { ...serika, providerId: 'submodel' };
  // queued 30 s, ran 10 s, seen 4 s after it ended (found at its first look)
  const jobs = Array.from({ length: 8 }, (_, i) => ({ ...finished(submodel, 0, 44_000, 30_000), runMs: 10_000, id: `job-${i}` }));
  const history = new DurationHistory();
  for (const job of jobs) history.submitted(job);
  for (const job of jobs) history.record(job, job.resultAt!);
  assert.equal(history.quietPeriodMs(submodel), 0.9 * 14_000, 'its own batch: as seen');
  history.submitted({ id: 'next', request: submodel });
  assert.equal(history.quietPeriodMs(submodel), 9000, 'the next batch: as long as they ran');
  assert.equal(DurationHistory.fromJobs(jobs).quietPeriodMs(submodel), 9000, 'the record keeps it over a reload');
  // a provider that reports no queue time counts from the submission: a run time alone would not fit
  const serikaJobs = jobs.map((job) => ({ ...job, request: serika }));
  assert.equal(DurationHistory.fromJobs(serikaJobs).quietPeriodMs(serika), 0.9 * 44_000);
});

test('a typical job of the kind: the median of the last 50, none while too few are known', () => {
  const history = new DurationHistory();
  for (let i = 0; i < 7; i++) history.record(finished(serika, 0, 10_000 + 1000 * i), 10_000 + 1000 * i);
  assert.equal(history.typicalDurationMs(serika), 0, 'seven say too little');
  history.record(finished(serika, 0, 60_000), 60_000);
  // sorted: 10 … 16 s, 60 s; floor(0.5 × 8) = 4 → 14 s
  assert.equal(history.typicalDurationMs(serika), 14_000);
  for (let i = 0; i < 50; i++) history.record(finished(serika, 0, 30_000 + 100 * i), 30_000 + 100 * i);
  assert.equal(history.typicalDurationMs(serika), 32_500, 'the earlier ones have left the window');
});

test('a first result that was the quickest of many scouts sets the quiet period at once; one from a few does not', () => {
  const history = new DurationHistory();
  history.record(finished(serika, 0, 8000), 8000);
  history.firstWasQuickestOf(serika, 30);
  // the quickest of 30 is about the 1/31 quantile: below the 4% the quiet period ends at
  assert.equal(history.quietPeriodMs(serika), 0.9 * 8000);
  assert.equal(history.typicalDurationMs(serika), 0, 'one result says nothing of the typical job');
  history.record(finished(serika, 0, 7000), 7000);
  assert.equal(history.quietPeriodMs(serika), 0.9 * 7000, 'a quicker second one (it queued, then ran quicker) lowers it');
  for (let i = 0; i < 5; i++) history.record(finished(serika, 0, 9000 + 1000 * i), 9000 + 1000 * i);
  assert.equal(history.quietPeriodMs(serika), 0.9 * 7000, 'kept until the usual eight are in');

  const other = { ...serika, model: 'other' };
  history.record(finished(other, 0, 8000), 8000);
  history.firstWasQuickestOf(other, 10);
  assert.equal(history.quietPeriodMs(other), 0, 'the quickest of 10 is only the 1/11 quantile: too high');
  history.record(finished(other, 0, 6000), 6000);
  history.firstWasQuickestOf(other, 30);
  assert.equal(history.quietPeriodMs(other), 0, 'only the first result is the quickest of the scouts');
});

test("a new batch learns from the last 50 submitted, as a reload does, not from the previous batch's 50 slowest", () => {
  // 200 jobs at once on 100 workers, as on the bench: the last to end are the slow ones and the late starters
  const submodel: GenerationRequest = { ...serika, providerId: 'submodel' };
  let seed = 11;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const workers = Array<number>(100).fill(0);
  const jobs = Array.from({ length: 200 }, (_, i) => {
    const start = Math.min(...workers);
    const durationMs = 10_000 + Math.round(30_000 * random());
    workers[workers.indexOf(start)] = start + durationMs;
    return { ...finished(submodel, i, start - i + durationMs, start), id: `job-${i}` };
  });
  const byResult = [...jobs].sort((a, b) => a.resultAt! - b.resultAt!);
  const quiet = (of: JobRecord[]) => 0.9 * of.map((job) => job.resultAt! - job.startedAt!).sort((a, b) => a - b)[2]!;
  assert.ok(quiet(byResult.slice(-50)) > 1.3 * quiet(jobs.slice(-50)), 'the last results are the slow end: the case this is about');

  const live = new DurationHistory();
  for (const job of jobs) live.submitted(job);
  for (const job of byResult) live.record(job, job.resultAt!);
  assert.equal(live.quietPeriodMs(submodel), quiet(byResult.slice(-50)), 'while a batch runs, the window follows its results');

  live.submitted({ id: 'next', request: submodel });
  assert.equal(live.quietPeriodMs(submodel), quiet(jobs.slice(-50)), 'the next batch starts from the last 50 submitted');
  const reloaded = DurationHistory.fromJobs(byResult);
  assert.equal(live.quietPeriodMs(submodel), reloaded.quietPeriodMs(submodel), 'the window a reload rebuilds');
  assert.equal(live.typicalDurationMs(submodel), reloaded.typicalDurationMs(submodel));

  // submitted in one millisecond, as a batch is: not the last 50 results again, but 50 picked by id
  const sameMs = jobs.map((job) => ({ ...job, createdAt: 0, resultAt: job.resultAt! }));
  const tied = new DurationHistory();
  for (const job of sameMs) tied.submitted(job);
  for (const job of [...sameMs].sort((a, b) => a.resultAt - b.resultAt)) tied.record(job, job.resultAt);
  tied.submitted({ id: 'next', request: submodel });
  const byId = [...sameMs].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(-50);
  assert.equal(tied.quietPeriodMs(submodel), quiet(byId));
  assert.ok(quiet(byId) < quiet(byResult.slice(-50)), 'not the slow end');
  assert.equal(DurationHistory.fromJobs(sameMs).quietPeriodMs(submodel), quiet(byId), 'a reload picks the same');
});

test('a reload in the middle of a batch goes on with it: its jobs in flight, its results as seen', () => {
  const submodel: GenerationRequest = { ...serika, providerId: 'submodel' };
  // 50 slow jobs submitted first, then 50 quick: all 50 quick and 10 slow have ended; 40 slow still run
  const slow = Array.from({ length: 50 }, (_, i) => ({ ...finished(submodel, i, 50_000), id: `slow-${i}` }));
  const quick = Array.from({ length: 50 }, (_, i) => ({ ...finished(submodel, 100 + i, 10_000 + 100 * i), id: `quick-${i}` }));
  const running = slow.slice(10).map((job) => ({ ...job, status: 'running', resultAt: undefined }) as JobRecord);
  const history = DurationHistory.fromJobs([...slow.slice(0, 10), ...quick, ...running]);
  const seen = 0.9 * 11_200; // the last 50 results: quick-10 … quick-49 and the ten slow
  assert.equal(history.quietPeriodMs(submodel), seen);
  history.submitted({ id: 'joins', request: submodel });
  assert.equal(history.quietPeriodMs(submodel), seen, 'a job submitted now joins the running batch');
  for (const job of running) history.ended(job.id);
  history.ended('joins');
  history.submitted({ id: 'next', request: submodel });
  assert.equal(history.quietPeriodMs(submodel), 0.9 * 10_200, 'once it is over, the next batch starts from the last 50 submitted');
});

test('a batch goes on while a job of its kind is in flight, until it ends or is removed; a submission alone makes no kind known', () => {
  const submodel: GenerationRequest = { ...serika, providerId: 'submodel' };
  const history = new DurationHistory();
  const quick = Array.from({ length: 50 }, (_, i) => ({ ...finished(submodel, 100 + i, 10_000 + 100 * i), id: `quick-${i}` }));
  for (const job of quick) history.submitted(job);
  for (const job of quick) history.record(job, job.resultAt!);
  const lastSubmitted = 0.9 * 10_200;
  assert.equal(history.quietPeriodMs(submodel), lastSubmitted);
  history.submitted({ id: 'a', request: submodel });
  // ten slow results of jobs submitted before the quick ones (resumed after a reload: not submitted here)
  for (let i = 0; i < 10; i++) history.record({ ...finished(submodel, i, 50_000), id: `slow-${i}` }, 50_000 + i);
  const lastResults = 0.9 * 11_200; // quick-10 … quick-49 and the ten slow
  assert.equal(history.quietPeriodMs(submodel), lastResults);
  history.submitted({ id: 'b', request: submodel });
  assert.equal(history.quietPeriodMs(submodel), lastResults, "job a is in flight: b joins a's batch");
  history.ended('a');
  history.submitted({ id: 'c', request: submodel });
  assert.equal(history.quietPeriodMs(submodel), lastResults, 'b is in flight');
  history.ended('b');
  history.ended('c');
  history.submitted({ id: 'd', request: submodel });
  assert.equal(history.quietPeriodMs(submodel), lastSubmitted, 'none in flight: a new batch, from the last 50 submitted');

  const other = { ...submodel, model: 'other' };
  history.submitted({ id: 'e', request: other });
  assert.ok(history.isNew(other), 'a submission alone does not make a kind known');
});
