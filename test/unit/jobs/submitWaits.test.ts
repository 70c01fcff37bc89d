// A submission that waits before it is sent (a 429's Retry-After, its own or the provider's pause):
// the job says why and until when, the log says why, a wait longer than a minute ends the job at once
// with Retry, cancelling ends the wait, and a reload during the wait sends the job instead of calling
// it "maybe received"; the same for a wait for its turn (a sweep's later cells, room in the provider's
// gate). Against the Serika loopback server (no idempotency key: the case where telling "not sent"
// from "maybe sent" matters), and TAMS for its 5 requests a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpClient } from '../../../src/core/http';
import { formatClock, sendWaitOf, waitsItsTurn, type JobRecord } from '../../../src/core/jobModel';
import { failureActions } from '../../../src/core/jobs/failureActions';
import type { StoredChange } from '../../../src/core/jobs/jobStore';
import { jobDescription, jobStateLabel, jobTooltipMarkdown } from '../../../src/views/jobPresentation';
import { progressMessage } from '../../../src/views/progressMessage';
import { SerikaServer } from '../../fixtures/providers/serikaServer';
import type { Fault } from '../../fixtures/providers/fakeServer';
import { cleanupsFailingOnUnhandledRejections, memoryPersistence, waitFor } from '../helpers';
import { managerFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';

const serika = PROVIDER_CASES.find((c) => c.name === 'Serika')!;
const [SUBMIT_METHOD, SUBMIT] = serika.submitRoute;
const cleanups = cleanupsFailingOnUnhandledRejections();
/** A wait that never ends fails its test instead of holding the run for ten minutes. */
const BOUND = { timeout: 30_000 };

const rateLimited = (seconds: number): Fault => ({
  kind: 'status',
  status: 429,
  headers: { 'retry-after': String(seconds) },
  body: '{"error":{"message":"Rate limit reached"}}',
});

/** Memory persistence that also keeps when each write of a job was stored, and whether it said the job waits (for a time, or its turn). */
function recordingPersistence() {
  const persistence = memoryPersistence();
  const writes: { at: number; id: string; waiting: boolean; unsent: boolean; sent: boolean }[] = [];
  const note = (changes: readonly StoredChange[]) => {
    for (const change of changes)
      if ('job' in change)
        writes.push({
          at: Date.now(),
          id: change.job.id,
          waiting: !!sendWaitOf(change.job),
          unsent: waitsItsTurn(change.job),
          sent: change.job.remoteId !== undefined,
        });
  };
  const write = persistence.write;
  persistence.write = async (changes) => {
    await write(changes);
    note(changes);
  };
  return { persistence, writes };
}

/** A started Serika server, stopped after the test: a reload's two windows share one. */
async function serikaServer(durationMs?: number): Promise<SerikaServer> {
  const server = new SerikaServer();
  if (durationMs !== undefined) server.durationMs = durationMs;
  await server.start();
  cleanups.push(() => server.stop());
  return server;
}

async function window(persistence = memoryPersistence(), server?: SerikaServer) {
  const fixture = server ?? (await serikaServer(100));
  const managed = managerFor(serika, fixture, {}, persistence);
  cleanups.push(() => managed.manager.dispose());
  return { server: fixture, ...managed };
}

/** The window closes: the engine stops, and the store writes what it has not written yet. */
function close(managed: { manager: { dispose(): void }; store: { dispose(): void } }): void {
  managed.manager.dispose();
  managed.store.dispose();
}

/** A Serika sweep of the seed, one cell per value, in one output folder. */
function seedSweep(seeds: readonly number[]) {
  const output = outputIn();
  return seeds.map((seed, index) => ({
    request: { ...serika.request, params: { ...serika.request.params, seed } },
    output,
    cell: { keys: ['seed'], values: [seed], position: [index], shape: [seeds.length] },
  }));
}

const posts = (server: SerikaServer) => server.requests.filter((request) => request.method === SUBMIT_METHOD && SUBMIT.test(request.path));

test('a 429 with a short Retry-After is waited out on the record, saying why and until when, then sent', BOUND, async () => {
  const { persistence, writes } = recordingPersistence();
  const { server, store, manager, log } = await window(persistence);
  server.inject(SUBMIT_METHOD, SUBMIT, rateLimited(2));
  const submitted = manager.submit(serika.request, { kind: 'input' }, outputIn());
  const waiting = await waitFor(() => [...store.values()].find((job) => sendWaitOf(job)), 5000, 'the wait on the job');
  const refusedAt = posts(server)[0]!.at;
  const until = sendWaitOf(waiting)!.until;
  assert.ok(Math.abs(until - (refusedAt + 2000)) < 300, `until the Retry-After's end (${until - refusedAt} ms after the 429)`);
  assert.deepEqual({ ...sendWaitOf(waiting), until: 0 }, { until: 0, reason: 'Rate limited by Serika', rateLimited: true });
  // the row, its hover and the progress toast say why and until when
  const text = `Rate limited by Serika: sending again at ${formatClock(until)}`;
  assert.match(jobStateLabel(waiting, Date.now()), /^rate limited · 0:0\d$/);
  assert.ok(jobDescription(waiting).startsWith(`${text} · `), jobDescription(waiting));
  assert.ok(jobTooltipMarkdown(waiting).includes(`$(warning) ${text}`));
  assert.equal(progressMessage([waiting]), `"${serika.request.prompt}": ${text}`);
  // and so do the log and the disk
  assert.ok(
    log.lines.some((line) => line.includes(`${waiting.id} not sent yet: ${text}`)),
    log.lines.join('\n'),
  );
  assert.ok(
    log.lines.some((line) => /Serika answered a submit request with 429 \(rate limited\): every request to Serika waits until/.test(line)),
    log.lines.join('\n'),
  );
  await waitFor(() => persistence.saved.find((job) => job.id === waiting.id)?.waitingToSend, 2000, 'the wait on disk');
  const id = await submitted;
  const job = await waitFor(() => store.get(id)?.status === 'succeeded' && store.get(id), 10_000, 'success');
  assert.equal(job.waitingToSend, undefined);
  const [, resent] = posts(server);
  assert.ok(resent, 'sent again');
  assert.ok(resent.at - refusedAt >= 1990 && resent.at - refusedAt < 2600, `the Retry-After honoured (${resent.at - refusedAt} ms)`);
  // the record stopped saying "waiting" on disk before the request went (a reload meanwhile must not call it unsent)
  const lastWaiting = writes.filter((write) => write.id === id && write.waiting).pop()!;
  const cleared = writes.find((write) => write.id === id && !write.waiting && write.at >= lastWaiting.at);
  assert.ok(cleared && cleared.at <= resent.at, 'cleared on disk before the resend');
});

test(
  'a Retry-After beyond a minute ends the job at once: rate limited until when, nothing recorded, Retry safe; a later job is not sent',
  BOUND,
  async () => {
    const { server, store, manager, log } = await window();
    server.inject(SUBMIT_METHOD, SUBMIT, rateLimited(600));
    const started = Date.now();
    const id = await manager.submit(serika.request, { kind: 'input' }, outputIn());
    const job = store.get(id)!;
    assert.ok(Date.now() - started < 3000, `ended quickly (${Date.now() - started} ms)`);
    assert.equal(job.status, 'failed');
    const until = formatClock(posts(server)[0]!.at + 600_000);
    assert.equal(
      job.error?.message,
      `Rate limited by Serika until ${until}: it refused this job (HTTP 429) and asked to wait 10 minutes, longer than a job waits to be sent (1 minute). ` +
        `Nothing was recorded at Serika: Retry from ${until}, when Serika takes jobs again.`,
    );
    assert.deepEqual(
      { phase: job.error?.phase, retryable: job.error?.retryable, kind: job.error?.kind },
      { phase: 'submit', retryable: true, kind: 'rateLimited' },
    );
    assert.deepEqual(
      failureActions(job).map((action) => action.label),
      ['Retry', 'Show Log'],
    );
    assert.equal(job.waitingToSend, undefined);
    // the account's Retry-After still holds: a job submitted meanwhile is not sent, and says so at once
    const later = await manager.submit(serika.request, { kind: 'input' }, outputIn());
    const refused = store.get(later)!;
    assert.equal(refused.status, 'failed');
    assert.match(
      refused.error!.message,
      new RegExp(`^Rate limited by Serika until ${until}: it refused an earlier request \\(HTTP 429\\)`),
    );
    assert.match(
      refused.error!.message,
      /This job was not sent, so nothing was recorded at Serika: Retry from .+, when Serika takes jobs again\./,
    );
    assert.equal(posts(server).length, 1, 'the later job never reached Serika');
    assert.ok(
      log.lines.some((line) => line.includes(`waits until ${until}`)),
      log.lines.join('\n'),
    );
  },
);

test(
  'a job held by the pause after another job’s 429 says so; cancelling the refused job ends its wait at once, not the pause',
  BOUND,
  async () => {
    const { server, store, manager } = await window();
    server.inject(SUBMIT_METHOD, SUBMIT, rateLimited(4));
    let firstEnded = 0;
    const first = manager.submit(serika.request, { kind: 'input' }, outputIn()).then((id) => ((firstEnded = Date.now()), id));
    const refused = await waitFor(() => [...store.values()].find((job) => sendWaitOf(job)), 5000, 'the first job waiting');
    const pauseEnds = sendWaitOf(refused)!.until;
    // a new job meets the provider's pause: it is not sent, and shows why and until when
    const second = manager.submit({ ...serika.request, prompt: 'a second lighthouse' }, { kind: 'input' }, outputIn());
    const held = await waitFor(
      () => [...store.values()].find((job) => job.id !== refused.id && sendWaitOf(job)),
      5000,
      'the second job showing its wait',
    );
    assert.deepEqual(held.waitingToSend, { until: pauseEnds, reason: 'Rate limited by Serika', rateLimited: true });
    assert.equal(posts(server).length, 1);
    const cancelledAt = Date.now();
    await manager.cancel(refused.id);
    await first;
    assert.ok(firstEnded - cancelledAt < 500, `the cancelled job's wait ended at once (${firstEnded - cancelledAt} ms)`);
    assert.equal(store.get(refused.id)?.status, 'cancelled');
    assert.equal(store.get(refused.id)?.waitingToSend, undefined);
    // the pause is the account's: the held job still waits for it, then goes
    assert.ok(sendWaitOf(store.get(held.id)!), 'still waiting, visibly');
    await second;
    const job = await waitFor(() => store.get(held.id)?.status === 'succeeded' && store.get(held.id), 10_000, 'the held job');
    assert.ok(job.remoteId);
    const sent = posts(server);
    assert.equal(sent.length, 2, 'the cancelled job was never sent again');
    assert.ok(sent[1]!.at >= pauseEnds - 10, `sent when the pause ended (${sent[1]!.at - pauseEnds} ms)`);
  },
);

test('a job waiting to be sent when the window closed is sent after the reload, not reported "maybe received"', BOUND, async () => {
  const persistence = memoryPersistence();
  const server = await serikaServer(100);
  const first = await window(persistence, server);
  server.inject(SUBMIT_METHOD, SUBMIT, rateLimited(3));
  void first.manager.submit(serika.request, { kind: 'input' }, outputIn());
  const refused = await waitFor(() => [...first.store.values()].find((job) => sendWaitOf(job)), 5000, 'a job refused and waiting');
  // and one that never left: held by the provider's pause
  void first.manager.submit({ ...serika.request, prompt: 'never sent before the reload' }, { kind: 'input' }, outputIn());
  const held = await waitFor(() => [...first.store.values()].find((job) => job.id !== refused.id && sendWaitOf(job)), 5000, 'a held job');
  close(first);
  assert.equal(posts(server).length, 1, 'only the refused request reached Serika');
  for (const id of [refused.id, held.id])
    assert.ok(persistence.saved.find((job) => job.id === id)?.waitingToSend?.until, `${id} is recorded as waiting`);
  const second = await window(persistence, server);
  second.manager.resume();
  for (const id of [refused.id, held.id]) {
    const job = await waitFor(() => isSettled(second.store.get(id)) && second.store.get(id), 10_000, `${id} after the reload`);
    assert.equal(job.status, 'succeeded', job.error?.message);
  }
  assert.equal(posts(server).length, 3, 'each sent once after the reload');
  assert.ok(second.log.lines.some((line) => line.includes(`${held.id} was waiting to be sent when the window closed`)));
});

test(
  'the window closing during the send right after a wait leaves the job "maybe received": the disk never said "not sent" then',
  BOUND,
  async () => {
    const { persistence, writes } = recordingPersistence();
    const server = await serikaServer();
    const first = await window(persistence, server);
    server.inject(SUBMIT_METHOD, SUBMIT, rateLimited(1));
    server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' });
    void first.manager.submit(serika.request, { kind: 'input' }, outputIn());
    const waited = await waitFor(() => [...first.store.values()].find((job) => sendWaitOf(job)), 5000, 'the wait');
    await waitFor(() => posts(server).length === 2, 5000, 'the send after the wait');
    close(first); // while the request is on its way: Serika may have the job
    assert.ok(
      writes.some((write) => write.id === waited.id && write.waiting),
      'the wait was on disk',
    );
    assert.equal(persistence.saved.find((job) => job.id === waited.id)?.waitingToSend, undefined, 'and no longer once the request went');
    const second = await window(persistence, server);
    second.manager.resume();
    const job = await waitFor(() => isSettled(second.store.get(waited.id)) && second.store.get(waited.id), 5000, 'the resumed job');
    assert.equal(job.status, 'failed');
    assert.match(job.error!.message, /may or may not have it/);
    assert.equal(posts(server).length, 2, 'not sent a third time');
  },
);

test('a sweep’s cells not sent yet when the window closed are sent after the reload, not reported "maybe received"', BOUND, async () => {
  const { persistence, writes } = recordingPersistence();
  const server = await serikaServer(100);
  const first = await window(persistence, server);
  server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' }); // the first cell's request: on its way when the window closes
  const cells = seedSweep([1, 2, 3]);
  const { ids } = await first.manager.submitBatch(cells, { kind: 'input' });
  await waitFor(() => posts(server).length === 1, 5000, 'the first cell sent');
  close(first);
  assert.deepEqual(
    ids.map((id) => writes.some((write) => write.id === id && write.unsent)),
    [false, true, true],
    'the cells behind the first recorded as unsent, in the batch’s write',
  );
  const second = await window(persistence, server);
  second.manager.resume();
  const [sent, ...waited] = await Promise.all(
    ids.map((id) => waitFor(() => isSettled(second.store.get(id)) && second.store.get(id), 10_000, `${id} after the reload`)),
  );
  assert.match(sent!.error!.message, /may or may not have it/, 'the cell whose request was on its way');
  for (const job of waited) assert.equal(job.status, 'succeeded', job.error?.message);
  assert.equal(posts(server).length, 3, 'each unsent cell sent once after the reload, the first not again');
});

test('a sweep’s unsent cells go on after the reload as the sweep sent them: one after another, in cell order', BOUND, async () => {
  const persistence = memoryPersistence();
  const server = await serikaServer(100);
  const first = await window(persistence, server);
  server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' });
  const seeds = [1, 2, 3, 4, 5, 6];
  const cells = seedSweep(seeds);
  const { ids } = await first.manager.submitBatch(cells, { kind: 'input' });
  await waitFor(() => posts(server).length === 1, 5000, 'the first cell sent');
  close(first);
  const second = await window(persistence, server);
  second.manager.resume();
  await Promise.all(ids.map((id) => waitFor(() => isSettled(second.store.get(id)), 10_000, `${id} after the reload`)));
  const sent = posts(server).slice(1);
  assert.deepEqual(
    sent.map((request) => (JSON.parse(request.body) as { seed: number }).seed),
    seeds.slice(1),
  );
});

test(
  'a sweep’s cell left unsent by a closed window, cancelled in the next before it resumes, is known never to have been sent',
  BOUND,
  async () => {
    const persistence = memoryPersistence();
    const server = await serikaServer(100);
    const first = await window(persistence, server);
    server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' });
    const cells = seedSweep([1, 2]);
    const { ids } = await first.manager.submitBatch(cells, { kind: 'input' });
    await waitFor(() => posts(server).length === 1, 5000, 'the first cell sent');
    close(first);
    const second = await window(persistence, server);
    await second.manager.cancel(ids[1]!);
    const job = second.store.get(ids[1]!)!;
    assert.equal(job.status, 'cancelled');
    assert.equal(job.cancelledWhileSending, undefined, 'it waited its turn: nothing of it is at Serika, Retry need not ask');
    assert.equal(job.cancelledLocally, undefined);
  },
);

test('a sweep’s cell cancelled while its request hangs lets the next cell go at once, not when the request times out', BOUND, async () => {
  const server = await serikaServer(100);
  // a client that waits a minute for an answer, as a real one waits 30 s
  const { manager, store } = managerFor(serika, server, { http: new HttpClient({ timeoutMs: 60_000 }) });
  cleanups.push(() => manager.dispose());
  server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' });
  const cells = seedSweep([1, 2, 3]);
  const { ids } = await manager.submitBatch(cells, { kind: 'input' });
  await waitFor(() => posts(server).length === 1, 5000, 'the first cell sent');
  await manager.cancel(ids[0]!);
  await waitFor(() => posts(server).length === 3, 5000, 'the two other cells sent after the cancel');
  for (const id of ids.slice(1)) await waitFor(() => store.get(id)?.status === 'succeeded', 10_000, `${id} done`);
});

test(
  'a sweep’s later cell that meets a 429’s pause shows its end, then waits its turn again on the record until its request goes',
  BOUND,
  async () => {
    const { persistence, writes } = recordingPersistence();
    const { server, manager, store } = await window(persistence);
    server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' }); // the first cell's request, until the client's 400 ms
    server.inject(SUBMIT_METHOD, SUBMIT, rateLimited(1)); // another job's: Serika pauses every request
    const { ids } = await manager.submitBatch(seedSweep([1, 2]), { kind: 'input' });
    await waitFor(() => posts(server).length === 1, 5000, 'the first cell sent');
    void manager.submit(serika.request, { kind: 'input' }, outputIn());
    const second = ids[1]!;
    await waitFor(() => store.get(second)?.remoteId, 10_000, 'the second cell sent');
    // its writes until Serika's answer was recorded (not until the request's arrival: the answer's write
    // may share that millisecond, which once counted it among those before); that write may come a
    // moment after the record changed, and without it findIndex's -1 would cut the last write instead
    await waitFor(() => writes.some((write) => write.id === second && write.sent), 5000, "Serika's answer written");
    const all = writes.filter((write) => write.id === second);
    const own = all.slice(
      0,
      all.findIndex((write) => write.sent),
    );
    const timed = own.map((write) => write.waiting).lastIndexOf(true);
    assert.ok(timed > 0, 'the pause on its record, after its turn');
    assert.deepEqual(
      own.slice(timed + 1).map(({ waiting, unsent }) => ({ waiting, unsent })),
      [
        { waiting: false, unsent: true },
        { waiting: false, unsent: false },
      ],
      'its turn again once the pause was over, then nothing before its request went',
    );
  },
);

test('a submission cancelled while it waits for room at its provider (Serika: 8 calls at once) is never sent', BOUND, async () => {
  const { server, manager, store } = await window();
  server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' }, 8);
  const output = outputIn();
  const ids = Array.from({ length: 9 }, (_, i) =>
    manager.submit({ ...serika.request, prompt: `lighthouse ${i}` }, { kind: 'input' }, output),
  );
  await waitFor(() => posts(server).length === 8, 5000, 'eight requests on their way');
  const held = await waitFor(() => [...store.values()].find((job) => waitsItsTurn(job)), 5000, 'the ninth, waiting for room');
  await manager.cancel(held.id);
  // the eight time out (the client's 400 ms), and their slots go to whoever waits for one
  await Promise.all(ids);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(posts(server).length, 8, 'the cancelled job was sent when a slot came free');
  const job = store.get(held.id)!;
  assert.equal(job.status, 'cancelled');
  assert.equal(job.cancelledWhileSending, undefined, 'it never went: Retry need not ask');
  assert.equal(job.cancelledLocally, undefined, 'nothing of it can run at Serika');
});

test(
  'a submission waiting for room at its provider (Serika: 8 calls at once) when the window closed is sent after the reload',
  BOUND,
  async () => {
    const persistence = memoryPersistence();
    const server = await serikaServer(100);
    const first = await window(persistence, server);
    server.inject(SUBMIT_METHOD, SUBMIT, { kind: 'hang' }, 8);
    const output = outputIn();
    for (let i = 0; i < 9; i++) void first.manager.submit({ ...serika.request, prompt: `lighthouse ${i}` }, { kind: 'input' }, output);
    await waitFor(() => posts(server).length === 8, 5000, 'eight requests on their way');
    const held = await waitFor(() => [...first.store.values()].find((job) => waitsItsTurn(job)), 5000, 'the ninth, waiting for room');
    close(first);
    assert.equal(posts(server).length, 8);
    assert.equal(held.request.prompt, 'lighthouse 8');
    const second = await window(persistence, server);
    second.manager.resume();
    const job = await waitFor(
      () => isSettled(second.store.get(held.id)) && second.store.get(held.id),
      10_000,
      'the held job after the reload',
    );
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.ok(
      second.log.lines.some((line) =>
        line.includes(
          `${held.id} was waiting its turn to be sent when the window closed; sending it now (the provider has no job from it)`,
        ),
      ),
    );
  },
);

test(
  'a submission held for TAMS’s 5 requests a second is recorded as unsent, removed on disk before it goes; one not held writes nothing more',
  BOUND,
  async () => {
    const tams = PROVIDER_CASES.find((c) => c.name === 'TAMS')!;
    const [method, submit] = tams.submitRoute;
    const { persistence, writes } = recordingPersistence();
    const server = tams.createServer();
    server.durationMs = 100;
    await server.start();
    cleanups.push(() => server.stop());
    const { store, manager } = managerFor(tams, server, {}, persistence);
    cleanups.push(() => manager.dispose());
    const output = outputIn();
    const ids = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => manager.submit({ ...tams.request, prompt: `lighthouse ${i}` }, { kind: 'input' }, output)),
    );
    const sentAt = (id: string) =>
      server.requests.find(
        (request) => request.method === method && submit.test(request.path) && request.body.includes(store.get(id)!.idempotencyKey),
      )!.at;
    const firstAt = Math.min(...ids.map(sentAt));
    const held = ids.filter((id) => sentAt(id) - firstAt >= 900);
    assert.ok(held.length >= 1, 'the sixth waited for the next second');
    for (const id of ids) {
      const unsent = writes.filter((write) => write.id === id && write.unsent);
      if (!held.includes(id)) {
        assert.deepEqual(unsent, [], `${id}, sent at once, wrote nothing more`);
        continue;
      }
      const last = unsent.at(-1);
      assert.ok(last, `${id} recorded as unsent while it waited`);
      const cleared = writes.find((write) => write.id === id && !write.unsent && write.at >= last.at);
      assert.ok(cleared && cleared.at <= sentAt(id), `${id}: removed on disk before its request went`);
    }
    assert.equal(server.countRequests(method, submit), 6, 'none refused: the gate kept to the limit');
  },
);

function isSettled(job: JobRecord | undefined): boolean {
  return job !== undefined && ['succeeded', 'failed', 'cancelled', 'expired'].includes(job.status);
}

test('a running job whose look waits for the pause after another job’s 429 says so, until its answer', BOUND, async () => {
  const photoGpt = PROVIDER_CASES.find((c) => c.name === 'PhotoGPT')!;
  const server = photoGpt.createServer();
  server.durationMs = 3000;
  await server.start();
  cleanups.push(() => server.stop());
  const { store, manager } = managerFor(photoGpt, server);
  cleanups.push(() => manager.dispose());
  const ids = await Promise.all([1, 2].map(() => manager.submit(photoGpt.request, { kind: 'input' }, outputIn())));
  const [method, poll] = photoGpt.pollRoute;
  server.inject(method, poll, { kind: 'status', status: 429, headers: { 'retry-after': '2' }, body: '{"message":"slow down"}' });
  const held = await waitFor(
    () => ids.map((id) => store.get(id)!).find((job) => job.warning?.startsWith('Rate limited by PhotoGPT: checking again at ')),
    5000,
    'the other job showing the pause',
  );
  assert.match(held.warning!, /^Rate limited by PhotoGPT: checking again at \d\d:\d\d:\d\d$/);
  assert.match(jobTooltipMarkdown(held), /\$\(warning\) Rate limited by PhotoGPT: checking again at/);
  for (const id of ids) {
    const job = await waitFor(() => isSettled(store.get(id)) && store.get(id), 15_000, `${id} done`);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.equal(job.warning, undefined);
  }
});

test(
  'after an attempt the provider may have taken (a 5xx, repeated with the idempotency key), a long 429 never claims "nothing recorded"',
  BOUND,
  async () => {
    const tams = PROVIDER_CASES.find((c) => c.name === 'TAMS')!;
    const server = tams.createServer();
    await server.start();
    cleanups.push(() => server.stop());
    const { store, manager } = managerFor(tams, server);
    cleanups.push(() => manager.dispose());
    const [method, submit] = tams.submitRoute;
    server.inject(method, submit, { kind: 'status', status: 503, body: '{"code":14,"message":"unavailable"}' });
    server.inject(method, submit, rateLimited(600));
    const id = await manager.submit(tams.request, { kind: 'input' }, outputIn());
    const job = store.get(id)!;
    assert.equal(job.status, 'failed');
    assert.doesNotMatch(job.error!.message, /nothing was recorded|not sent/i);
    assert.match(
      job.error!.message,
      /an earlier attempt may have reached it: check its dashboard before retrying\. Rate limited by TensorArt TAMS until \d\d:\d\d:\d\d/,
    );
    assert.equal(server.countRequests(method, submit), 2);
  },
);

test("a long pause is the server's: once the base URL changes (another server), the next job is sent there at once", BOUND, async () => {
  const [first, second] = [new SerikaServer(), new SerikaServer()];
  for (const server of [first, second]) {
    server.durationMs = 100;
    await server.start();
    cleanups.push(() => server.stop());
  }
  // the context each access resolves: the user's settings, changed below
  const settings: { baseUrl?: string } = {};
  const { store, manager, log } = managerFor(serika, first, settings);
  cleanups.push(() => manager.dispose());
  first.inject(SUBMIT_METHOD, SUBMIT, rateLimited(600));
  const refused = await manager.submit(serika.request, { kind: 'input' }, outputIn());
  assert.equal(store.get(refused)!.error?.kind, 'rateLimited');
  settings.baseUrl = serika.baseUrl(second);
  const id = await manager.submit(serika.request, { kind: 'input' }, outputIn());
  await waitFor(() => store.get(id)?.status === 'succeeded', 10_000, 'the job on the other server');
  assert.equal(posts(second).length, 1, 'sent to the new server at once');
  assert.ok(
    log.lines.some((line) => line.includes("Serika's base URL or key changed: the pause its 429 asked for no longer holds")),
    log.lines.join('\n'),
  );
});
