import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_POLL_POLICY, nextPollDelay } from '../../src/core/pollPolicy';
import { etaFromProgress } from '../../src/core/jobManager';
import { PollScheduler } from '../../src/core/pollScheduler';

const base = { consecutiveErrors: 0, focused: true, random: 0.5 };

test('the interval starts at the minimum and grows with the job age up to the maximum', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 0 }), DEFAULT_POLL_POLICY.minIntervalMs);
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000 }), 6000);
  assert.equal(nextPollDelay({ ...base, ageMs: 10_000_000 }), DEFAULT_POLL_POLICY.maxIntervalMs);
});

test('an ETA sets the next poll just after it, earlier or later than the age would', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, etaMs: 1200 }), 1222);
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 2000 }), 2030);
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 9000 }), 8100, 'a far estimate is refined first');
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 100_000 }), DEFAULT_POLL_POLICY.maxIntervalMs);
});

test('queued jobs are polled less often', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, queued: true }), 12_000);
});

test('the finish is estimated from the rate of progress', () => {
  assert.equal(etaFromProgress({ at: 1000, progress: 0.1 }, 3000, 0.5), 2500);
  assert.equal(etaFromProgress({ at: 1000, progress: 0.5 }, 3000, 0.5), undefined, 'no progress, no estimate');
});

test('errors back off exponentially, Retry-After is a floor, unfocused windows poll less', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 0, consecutiveErrors: 3 }), 8000);
  assert.equal(nextPollDelay({ ...base, ageMs: 0, consecutiveErrors: 30 }), DEFAULT_POLL_POLICY.maxErrorBackoffMs);
  assert.equal(nextPollDelay({ ...base, ageMs: 0, retryAfterMs: 20_000 }), 20_000);
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, focused: false }), 18_000);
});

test('jitter spreads polls by at most ±10%', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, random: 0 }), 5400);
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, random: 1 }), 6600);
});

test('the scheduler never runs one job twice at once and caps polls in flight', async () => {
  let running = 0;
  let maxRunning = 0;
  const runs = new Map<string, number>();
  const release: (() => void)[] = [];
  const scheduler = new PollScheduler(
    async (id) => {
      runs.set(id, (runs.get(id) ?? 0) + 1);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((resolve) => release.push(resolve));
      running--;
    },
    { maxConcurrent: 2 },
  );
  for (const id of ['a', 'b', 'c']) scheduler.schedule(id, 0);
  await new Promise((resolve) => setTimeout(resolve, 30));
  scheduler.schedule('a', 0); // a is in flight: must wait until it finishes
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(maxRunning, 2);
  assert.equal(runs.get('a'), 1);
  while (release.length) {
    release.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(Object.fromEntries(runs), { a: 2, b: 1, c: 1 });
  assert.equal(maxRunning, 2);
  scheduler.dispose();
});

test('a disposed scheduler runs nothing more', async () => {
  let runs = 0;
  const scheduler = new PollScheduler(async () => void runs++, { maxConcurrent: 4 });
  scheduler.schedule('x', 10);
  scheduler.dispose();
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(runs, 0);
});
