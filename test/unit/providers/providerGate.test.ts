import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROVIDER_LIMITS, ProviderGate, ProviderPaused } from '../../../src/core/providers/providerGate';

test('a rate limit spaces calls into windows', async () => {
  const gate = new ProviderGate({ rates: { all: { requests: 3, perMs: 200 } }, maxInFlight: 10 });
  const started: number[] = [];
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 7 }, () => gate.run('poll', async () => void started.push(Date.now() - t0))));
  started.sort((a, b) => a - b);
  // the gaps between the groups, not when each starts: a loaded machine delays every start alike
  assert.ok(started[3]! - started[2]! >= 150, `first three at once, a window before the next (${started})`);
  assert.ok(started[3]! >= 195 && started[6]! - started[5]! >= 150, `next three one window later, a window before the last (${started})`);
  assert.ok(started[6]! >= 395 && started[6]! - started[3]! < 300, `the seventh one window after the second three (${started})`);
});

test('limits apply per kind of call', async () => {
  const gate = new ProviderGate({ rates: { admin: { requests: 1, perMs: 300 } }, maxInFlight: 10 });
  const t0 = Date.now();
  await gate.run('admin', async () => undefined);
  await gate.run('poll', async () => undefined);
  assert.ok(Date.now() - t0 < 100, 'polls are not held by the admin limit');
  await gate.run('admin', async () => undefined);
  assert.ok(Date.now() - t0 >= 295, 'a second admin call waits');
});

test('no more than maxInFlight calls run at once', async () => {
  const gate = new ProviderGate({ maxInFlight: 2 });
  let running = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 6 }, () =>
      gate.run('poll', async () => {
        peak = Math.max(peak, ++running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
      }),
    ),
  );
  assert.equal(peak, 2);
});

test('a pause after a 429 holds every call to the provider', async () => {
  const gate = new ProviderGate({ maxInFlight: 4 });
  gate.pause(250);
  const t0 = Date.now();
  await Promise.all([gate.run('poll', async () => undefined), gate.run('submit', async () => undefined)]);
  assert.ok(Date.now() - t0 >= 245);
});

test('where the limits are documented per kind of call alone (SubModel), a 429 pauses that kind; elsewhere every call', async () => {
  const subModel = new ProviderGate(PROVIDER_LIMITS.submodel);
  const until = subModel.pause(400, 'submit');
  assert.equal(subModel.pauseEnds('submit'), until);
  assert.ok(subModel.pauseEnds('poll') < Date.now(), 'status checks are not paused by a 429 on /run');
  let t0 = Date.now();
  await subModel.run('poll', async () => undefined);
  assert.ok(Date.now() - t0 < 100, 'a poll goes at once');
  await subModel.run('submit', async () => undefined);
  assert.ok(Date.now() - t0 >= 390, 'a submit waits for the pause');
  // TAMS documents one limit for all calls; Serika none: a 429 on any call holds them all
  for (const limits of [PROVIDER_LIMITS.tams, PROVIDER_LIMITS.serika]) {
    const gate = new ProviderGate(limits);
    gate.pause(300, 'submit');
    t0 = Date.now();
    await gate.run('poll', async () => undefined);
    assert.ok(Date.now() - t0 >= 290, 'a poll waits too');
  }
});

test('a call that asks not to wait out a pause is refused with its end, never runs, and frees its slot', async () => {
  const gate = new ProviderGate({ maxInFlight: 1 });
  const until = gate.pause(200);
  let ran = false;
  const refusal = await gate
    .run('submit', async () => void (ran = true), { refuseWhilePaused: true })
    .then(
      () => undefined,
      (error: unknown) => error,
    );
  assert.ok(refusal instanceof ProviderPaused, String(refusal));
  assert.equal((refusal as ProviderPaused).until, until);
  assert.equal(ran, false);
  assert.equal(await gate.run('poll', async () => 'went'), 'went', 'the only slot is free again; the poll waited out the pause');
  assert.ok(Date.now() >= until);
});

test('queued polls and cancels go before queued submits, but submits still get every fourth slot', async () => {
  const gate = new ProviderGate({ maxInFlight: 1 });
  const order: string[] = [];
  let releaseFirst!: () => void;
  const first = gate.run('submit', () => new Promise<void>((resolve) => (releaseFirst = resolve)));
  await new Promise((resolve) => setImmediate(resolve)); // the first call holds the only slot
  const queued = [
    ...Array.from({ length: 3 }, (_, i) => gate.run('submit', async () => void order.push(`submit${i}`))),
    ...Array.from({ length: 4 }, (_, i) => gate.run('poll', async () => void order.push(`poll${i}`))),
    gate.run('cancel', async () => void order.push('cancel')),
  ];
  releaseFirst();
  await Promise.all([first, ...queued]);
  assert.deepEqual(order, ['poll0', 'poll1', 'poll2', 'submit0', 'poll3', 'cancel', 'submit1', 'submit2']);
});

test('held requests take their own capped slots: past the cap none starts, and other calls never wait for them', async () => {
  const gate = new ProviderGate({ maxInFlight: 1, maxHeld: 1 });
  let release = () => undefined as void;
  const held = gate.tryRunHeld(() => new Promise<string>((resolve) => (release = () => resolve('answered'))));
  assert.ok(held, 'the first held request starts');
  assert.equal(
    gate.tryRunHeld(async () => 'second'),
    undefined,
    'no second one past the cap',
  );
  assert.equal(await gate.run('poll', async () => 'polled'), 'polled', 'a poll goes while the held request waits');
  release();
  assert.equal(await held, 'answered');
  assert.equal(await gate.tryRunHeld(async () => 'again'), 'again', 'its slot is free again');
  assert.equal(
    new ProviderGate({ maxInFlight: 4 }).tryRunHeld(async () => 'none'),
    undefined,
    'no held slots unless a provider has them',
  );
});

test('polls and held requests share their documented limit: a poll waits for room, a held request is not started', async () => {
  const gate = new ProviderGate({ maxInFlight: 10, maxHeld: 2, maxPollsWithHeld: 3 });
  const releases: (() => void)[] = [];
  const pending = () => new Promise<void>((resolve) => releases.push(resolve));
  const held = [gate.tryRunHeld(pending), gate.tryRunHeld(pending)];
  assert.ok(held.every(Boolean), 'two held requests start');
  let running = 0;
  let peak = 0;
  const polls = Array.from({ length: 3 }, () =>
    gate.run('poll', async () => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running--;
    }),
  );
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(running, 1, 'one poll beside the two held requests');
  assert.equal(
    gate.tryRunHeld(async () => undefined),
    undefined,
    'no held request while polls fill the room',
  );
  releases.splice(0).forEach((release) => release());
  await Promise.all([...held, ...polls]);
  assert.equal(peak, 3, 'the waiting polls went once the held requests ended');
});

test('ending the pauses (another server or key) lets a call asleep for one go at once', async () => {
  const gate = new ProviderGate({ maxInFlight: 10 });
  gate.pause(600_000);
  const t0 = Date.now();
  const waiting = gate.run('poll', async () => Date.now() - t0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(gate.endPauses(), true, 'a pause held');
  const waited = await waiting;
  assert.ok(waited < 1000, `went ${waited} ms after the start, not ten minutes`);
  assert.equal(gate.endPauses(), false, 'none holds now');
});
