// The bench's provider model runs on a scaled clock: what a server says about a job's spans must be on
// that clock too, or a client that adds SubModel's delayTime to the job's creation finds a start that
// never was (at scale 0.2, five times too late).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BenchTimeline } from '../../bench/timelines';
import type { FakeJob } from '../../fixtures/providers/fakeServer';

test("a job's queue time, added to its creation, is its start on the bench's clock, whatever the time scale", () => {
  for (const timeScale of [1, 0.2]) {
    // one worker: the second job queues behind the first
    const model = new BenchTimeline({ seed: 7, timeScale, workers: 1, workMs: () => 20_000, classify: () => undefined, limits: {} });
    const jobs = [0, 1].map((i) => ({ id: `job-${i}`, createdAt: 1000 + i }) as FakeJob);
    for (const job of jobs) model.schedule(job);
    const second = jobs[1]!;
    const plan = model.plan(second)!;
    assert.ok(plan.startAt - second.createdAt > 20_000 * timeScale, 'queued behind the first job');
    assert.equal(second.createdAt + model.spans(second).queuedMs, plan.startAt);
    assert.equal(plan.startAt + model.spans(second).runMs, plan.endAt);
  }
});

test('where the look that saw a job done landed: the first time its timeline read done, not a later one, nor a look before its end', () => {
  const model = new BenchTimeline({ seed: 7, timeScale: 1, workers: 1, workMs: () => 20_000, classify: () => undefined, limits: {} });
  const job = { id: 'job-0', createdAt: 1000 } as FakeJob;
  model.schedule(job);
  const { endAt } = model.plan(job)!;
  assert.equal(model.timeline(job, endAt - 1).phase, 'running');
  assert.equal(model.seenDoneAt.has(job.id), false, 'a look before the end saw nothing');
  assert.equal(model.timeline(job, endAt + 250).phase, 'succeeded');
  model.timeline(job, endAt + 900);
  assert.equal(model.seenDoneAt.get(job.id), endAt + 250);
});
