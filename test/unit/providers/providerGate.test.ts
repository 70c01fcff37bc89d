import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderGate } from '../../../src/core/providers/providerGate';

test('a rate limit spaces calls into windows', async () => {
  const gate = new ProviderGate({ rates: { all: { requests: 3, perMs: 200 } }, maxInFlight: 10 });
  const started: number[] = [];
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 7 }, () => gate.run('poll', async () => void started.push(Date.now() - t0))));
  started.sort((a, b) => a - b);
  assert.ok(started[2]! < 100, `first three at once (${started})`);
  assert.ok(started[3]! >= 195 && started[5]! < 300, `next three one window later (${started})`);
  assert.ok(started[6]! >= 395, `the seventh two windows later (${started})`);
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
