// "Clear Finished Jobs": which jobs leave the list, which stay (failed ones keep their Retry), and what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JobRecord, JobStatus, SweepCell } from '../../../src/core/jobModel';
import {
  clearConfirmation,
  clearedMessage,
  CONFIRM_CLEAR_ABOVE,
  nothingToClear,
  planClearFinished,
} from '../../../src/views/clearFinished';
import { jobRecord } from '../../fixtures/sampleJobs';

const cell = (batchId: string, at: number): SweepCell => ({ batchId, keys: ['seed'], values: [at], position: [at], shape: [3] });
const job = (id: string, status: JobStatus, sweep?: SweepCell): JobRecord => jobRecord({ id, status, ...(sweep ? { sweep } : {}) });
const ids = (jobs: readonly JobRecord[]) => jobs.map((each) => each.id);

test('succeeded and cancelled jobs go; failed and expired ones stay with their Retry; unfinished ones are never touched', () => {
  const jobs = [
    job('ok', 'succeeded'),
    job('stopped', 'cancelled'),
    job('broke', 'failed'),
    job('gone', 'expired'),
    ...(['submitting', 'queued', 'running', 'downloading'] as const).map((status) => job(status, status)),
  ];
  const plan = planClearFinished(jobs);
  assert.deepEqual(ids(plan.remove), ['ok', 'stopped']);
  assert.equal(plan.keptFailed, 2);
  assert.equal(plan.keptInRunningBatches, 0);
});

test("a sweep still running keeps its finished cells, so its row stays whole; a finished sweep's cells go as single jobs do", () => {
  const plan = planClearFinished([
    job('a0', 'succeeded', cell('a', 0)),
    job('a1', 'cancelled', cell('a', 1)),
    job('a2', 'running', cell('a', 2)),
    job('b0', 'succeeded', cell('b', 0)),
    job('b1', 'failed', cell('b', 1)),
  ]);
  assert.deepEqual(ids(plan.remove), ['b0']);
  assert.equal(plan.keptInRunningBatches, 2);
  assert.equal(plan.keptFailed, 1);
});

test('the confirmation counts what goes, says the files stay and what is kept', () => {
  const many = Array.from({ length: CONFIRM_CLEAR_ABOVE + 1 }, (_, n) => job(`ok${n}`, 'succeeded'));
  const plan = planClearFinished([...many, job('broke', 'failed')]);
  assert.deepEqual(clearConfirmation(plan), {
    question: `Clear ${CONFIRM_CLEAR_ABOVE + 1} finished jobs from the list?`,
    detail: 'Their images and sidecars stay on disk, in the gallery. 1 failed job stays so you can retry it.',
  });
  assert.equal(
    clearedMessage(planClearFinished([job('ok', 'succeeded')])),
    'Cleared 1 finished job from the list; their images stay on disk',
  );
  assert.equal(
    nothingToClear(
      planClearFinished([job('x', 'failed'), job('y', 'failed'), job('z', 'succeeded', cell('c', 0)), job('w', 'queued', cell('c', 1))]),
    ),
    'No succeeded or cancelled job to clear. 2 failed jobs stay so you can retry them; finished jobs of a sweep still running stay with their batch.',
  );
  assert.equal(nothingToClear(planClearFinished([])), 'No succeeded or cancelled job to clear.');
});

test('the empty Jobs view does not claim there never were jobs, and points at the gallery', () => {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
  const welcome: { view: string; contents: string; when?: string }[] = manifest.contributes.viewsWelcome;
  const empty = welcome.find((entry) => entry.view === 'imageJobs.jobs' && entry.when === undefined)!;
  assert.match(empty.contents, /^No jobs in the list\./);
  assert.doesNotMatch(empty.contents, /yet/);
  assert.match(empty.contents, /\(command:imageJobs\.openGallery\)/);
});
