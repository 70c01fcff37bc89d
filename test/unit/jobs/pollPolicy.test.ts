import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_POLL_POLICY,
  estimateFromProgress,
  nextPollDelay as policyDelay,
  type PollInputs,
  type PollPolicyOptions,
} from '../../../src/core/jobs/pollPolicy';
import { PollScheduler } from '../../../src/core/jobs/pollScheduler';

const base = { consecutiveErrors: 0, focused: true, random: 0.5 };
/** The default policy with round fractions, so the figures below read as arithmetic whatever the tuning. */
const TEST_POLICY: PollPolicyOptions = { ...DEFAULT_POLL_POLICY, ageFraction: 0.12, pastTypicalFraction: 0.1 };
const nextPollDelay = (inputs: PollInputs, options = TEST_POLICY) => policyDelay(inputs, options);

test('the default policy looks at the slower half no less often, in shares of its duration, than the quicker', () => {
  assert.ok(DEFAULT_POLL_POLICY.pastTypicalFraction <= DEFAULT_POLL_POLICY.ageFraction);
});

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

test('the finish is estimated from the rate of progress, with the error whole percents allow', () => {
  const estimate = estimateFromProgress({ at: 1000, progress: 0.1 }, 3000, 0.5)!;
  assert.equal(estimate.etaMs, 2500);
  assert.ok(Math.abs(estimate.uncertainty - 0.05) < 1e-9, 'two readings, each up to a percent off, over 40% of progress');
  assert.equal(estimateFromProgress({ at: 1000, progress: 0.5 }, 3000, 0.5), undefined, 'no progress, no estimate');
  assert.ok(estimateFromProgress({ at: 1000, progress: 0.1 }, 1100, 0.12)!.uncertainty > 0.99, 'two close readings say little');
});

test('a rough estimate is looked at before its earliest plausible finish, a sharp one just after', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 9000, etaUncertainty: 0.2 }), 6300);
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 9000, etaUncertainty: 5 }), 4500, 'a guess at best: halfway');
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 2000, etaUncertainty: 0.1 }), 1800);
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 2000, etaUncertainty: 0.01 }), 2030);
});

test('errors back off exponentially, Retry-After is a floor, unfocused windows poll less', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 0, consecutiveErrors: 3 }), 8000);
  assert.equal(nextPollDelay({ ...base, ageMs: 0, consecutiveErrors: 30 }), DEFAULT_POLL_POLICY.maxIntervalMs);
  assert.equal(nextPollDelay({ ...base, ageMs: 0, retryAfterMs: 20_000 }), 20_000);
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, focused: false }), 18_000);
});

test('error backoff never outgrows the longest interval (the user setting), whatever the jitter; a longer Retry-After still wins', () => {
  const policy = { ...TEST_POLICY, maxIntervalMs: 15_000 };
  for (const random of [0, 0.5, 1]) {
    for (let errors = 1; errors <= 20; errors++) {
      assert.ok(
        nextPollDelay({ ...base, ageMs: 60_000, consecutiveErrors: errors, random }, policy) <= 15_000,
        `${errors} errors, random ${random}`,
      );
    }
  }
  // after two 429s (Retry-After: 1) and three 500s: the issue saw 30–35 s between checks
  assert.equal(nextPollDelay({ ...base, ageMs: 60_000, consecutiveErrors: 5, random: 1 }, policy), 15_000);
  assert.equal(nextPollDelay({ ...base, ageMs: 60_000, consecutiveErrors: 5, retryAfterMs: 40_000 }, policy), 40_000);
});

test("jitter spreads a job's first look by at most ±10%; its later looks keep that phase, each a share of its age", () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, random: 0 }), 5400);
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, random: 1 }), 6600);
  // once looked at, no interval runs 10% long: a ladder of looks at ×1.12 finds every job within 12%
  for (const random of [0, 1]) assert.equal(nextPollDelay({ ...base, ageMs: 50_000, phased: true, random }), 6000);
  assert.equal(
    nextPollDelay({ ...base, ageMs: 0, phased: true, consecutiveErrors: 2, random: 1 }),
    4400,
    'an error backoff is jittered at every look',
  );
});

test('a poll aimed at an estimate is not jittered: that would only add lag', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 2000, random: 0 }), 2030);
  assert.equal(nextPollDelay({ ...base, ageMs: 5_000, etaMs: 2000, random: 1 }), 2030);
  assert.equal(
    nextPollDelay({ ...base, ageMs: 0, etaMs: 2000, consecutiveErrors: 1, random: 1 }),
    2233,
    'an error backoff is jittered again',
  );
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

test('the scheduler runs jobs in due order; rescheduling replaces, unscheduling drops', async () => {
  const order: string[] = [];
  const scheduler = new PollScheduler(async (id) => void order.push(id), { maxConcurrent: 64 });
  // delays are counted from each call: steps of 40 ms or more keep the order on a loaded machine
  const delays = [370, 50, 220, 500, 120, 30, 450, 300];
  delays.forEach((delay, index) => scheduler.schedule(`job${index}`, delay));
  scheduler.schedule('job3', 10); // earlier than first planned
  scheduler.schedule('job5', 600); // later
  scheduler.unschedule('job6');
  // many reschedules leave stale entries behind: they must neither run nor pile up
  for (let round = 0; round < 500; round++) scheduler.schedule('job7', 300 + (round % 3));
  await new Promise((resolve) => setTimeout(resolve, 800));
  assert.deepEqual(order, ['job3', 'job1', 'job4', 'job2', 'job7', 'job0', 'job5']);
  scheduler.dispose();
});

test('a job that comes due while its poll runs waits for it, then runs once', async () => {
  const runs: string[] = [];
  let release!: () => void;
  const scheduler = new PollScheduler(
    async (id) => {
      runs.push(id);
      if (runs.length === 1) await new Promise<void>((resolve) => (release = resolve));
    },
    { maxConcurrent: 4 },
  );
  scheduler.schedule('a', 0);
  await new Promise((resolve) => setTimeout(resolve, 10));
  scheduler.schedule('a', 0); // due now, but the first poll of a is still running
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(runs, ['a']);
  release();
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(runs, ['a', 'a']);
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

test('no look before the quickest recent job of the same kind would have finished', () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 0, quietUntilAgeMs: 8000 }), 7600, 'jittered earlier only');
  assert.equal(nextPollDelay({ ...base, ageMs: 0, quietUntilAgeMs: 8000, random: 0 }), 8000);
  assert.equal(
    nextPollDelay({ ...base, ageMs: 0, quietUntilAgeMs: 8000, random: 1 }),
    7200,
    'by 10% at most, so a batch does not look all at once',
  );
  assert.equal(
    nextPollDelay({ ...base, ageMs: 4800, quietUntilAgeMs: 8000, random: 1 }),
    2880,
    'a later look waits for the end, as jittered',
  );
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, quietUntilAgeMs: 8000 }), 6000, 'past it: the usual schedule');
  assert.equal(nextPollDelay({ ...base, ageMs: 0, quietUntilAgeMs: 8000, etaMs: 1000 }), 1020, "the provider's estimate wins");
  assert.equal(nextPollDelay({ ...base, ageMs: 0, quietUntilAgeMs: 8000, consecutiveErrors: 1 }), 2000, 'errors keep their backoff');
});

test('past the typical duration of its kind the interval stops growing: at most a share of that duration', () => {
  // 12% of a 50 s age would be 6 s; the kind's jobs typically take 20 s, so 10% of 20 s
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, typicalDurationMs: 20_000 }), 2000);
  assert.equal(nextPollDelay({ ...base, ageMs: 10_000, typicalDurationMs: 20_000 }), 1200, 'before it: the usual schedule');
  assert.equal(
    nextPollDelay({ ...base, ageMs: 50_000, typicalDurationMs: 2000 }),
    DEFAULT_POLL_POLICY.minIntervalMs,
    'never below the minimum',
  );
  assert.equal(
    nextPollDelay({ ...base, ageMs: 50_000, typicalDurationMs: 20_000, queued: true }),
    12_000,
    'a queued job has yet to run it',
  );
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, typicalDurationMs: 20_000, etaMs: 9000 }), 8100, "the provider's estimate wins");
});

test("a scout of a kind nobody has timed is looked at no more often than the scouts' own minimum", () => {
  assert.equal(nextPollDelay({ ...base, ageMs: 0 }), TEST_POLICY.minIntervalMs, 'any other job: from the minimum');
  assert.equal(nextPollDelay({ ...base, ageMs: 0, scout: true }), TEST_POLICY.scoutMinIntervalMs);
  assert.equal(nextPollDelay({ ...base, ageMs: 50_000, scout: true }), 6000, 'once its age asks for less, the age decides');
  assert.equal(
    nextPollDelay({ ...base, ageMs: 0, scout: true, queued: true }),
    2 * TEST_POLICY.scoutMinIntervalMs,
    'queued: less often still',
  );
});

test("a scout's first look is spread over half its interval either way, so the scouts of a batch are looked at each at its own phase", () => {
  const first = (random: number) => nextPollDelay({ ...base, ageMs: 0, scout: true, queued: true, random });
  const interval = 2 * TEST_POLICY.scoutMinIntervalMs;
  assert.equal(first(0), interval * 0.5);
  assert.equal(first(1), interval * 1.5);
  assert.equal(first(0.5), interval);
  assert.equal(
    nextPollDelay({ ...base, ageMs: 0, scout: true, phased: true, random: 1 }),
    TEST_POLICY.scoutMinIntervalMs,
    'its later looks keep the phase',
  );
  assert.equal(nextPollDelay({ ...base, ageMs: 0, queued: true, random: 1 }), 2 * TEST_POLICY.minIntervalMs * 1.1, 'any other job: ±10%');
});
