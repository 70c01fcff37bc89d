// A job cancelled while its submission was on its way (no provider id back yet), or one whose
// submission failed with no answer: the provider may have received it. Retry of such a job asks first where the provider cannot tell a second sending from the
// first (Serika, SubModel: no idempotency key in their documents), and sends the same idempotency key
// where the provider takes one (TAMS's requestId, which its document says "ensure[s] request
// idempotence"). A job cancelled while it waited to be sent was never sent: nothing to ask.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sendAgainQuestion, sendAgainRisk } from '../../../src/core/jobs/sendAgain';
import { endedStateWord, localCancelNote } from '../../../src/core/jobs/localCancel';
import { sendWaitOf, type JobRecord, type JobStatus } from '../../../src/core/jobModel';
import { cleanupsFailingOnUnhandledRejections, jobRecord, waitFor } from '../helpers';
import type { RecordedRequest } from '../../fixtures/providers/fakeServer';
import { managerFor, outputIn, PROVIDER_CASES, type ProviderCase } from '../providers/providerCases';

const cleanups = cleanupsFailingOnUnhandledRejections();
const caseOf = (name: string) => PROVIDER_CASES.find((entry) => entry.name === name)!;
const posts = (providerCase: ProviderCase, server: { requests: readonly RecordedRequest[] }) =>
  server.requests.filter((request) => request.method === providerCase.submitRoute[0] && providerCase.submitRoute[1].test(request.path));

async function started(providerCase: ProviderCase) {
  const server = providerCase.createServer();
  server.durationMs = 100;
  await server.start();
  cleanups.push(() => server.stop());
  const managed = managerFor(providerCase, server);
  cleanups.push(() => managed.manager.dispose());
  return { server, ...managed };
}

/** A job whose submission reaches the server, which never answers; cancelled while it is on its way. */
async function cancelledOnItsWay(providerCase: ProviderCase) {
  const setup = await started(providerCase);
  const { server, store, manager } = setup;
  server.inject(providerCase.submitRoute[0], providerCase.submitRoute[1], { kind: 'hang' });
  const submitting = manager.submit(providerCase.request, { kind: 'input' }, outputIn());
  await waitFor(() => posts(providerCase, server).length > 0, 5000, 'the submission on its way');
  const id = store.all()[0]!.id;
  await manager.cancel(id);
  await submitting; // its request times out: the job stays cancelled, with no provider id
  return { ...setup, id, job: store.get(id)! };
}

for (const name of ['Serika', 'SubModel']) {
  test(`${name}: a job cancelled while its submission was on its way is one a Retry may send twice: it asks first`, async () => {
    const providerCase = caseOf(name);
    const { manager, job } = await cancelledOnItsWay(providerCase);
    assert.equal(job.status, 'cancelled');
    assert.equal(job.remoteId, undefined);
    assert.equal(job.cancelledWhileSending, true);
    assert.equal(await manager.sendAgainRisk(job.id), 'mayDuplicate');
    if (name === 'Serika') {
      // nothing was being tracked: no provider id came back
      assert.equal(
        localCancelNote(job),
        'Cancelled before Serika answered: it may have received the job, and Serika has no cancel, so the job may run there and be billed.',
      );
      assert.equal(endedStateWord(job), 'cancelled, maybe sent');
    }
    assert.deepEqual(sendAgainQuestion([job]), {
      question: `Send the job “${job.request.prompt}” to ${name} again?`,
      detail:
        `${name} may already have it: its request was sent, and it was cancelled before ${name} answered. ${name} may run and ` +
        `bill it, and cannot tell a second sending from the first, so sending again may make a second job; its dashboard shows what it has.`,
      sendAll: 'Send Again',
      sendNone: "Don't Send",
    });
  });
}

test('Serika: a job whose submission got no answer (it may have arrived) failed, and its Retry asks first too; one refused does not', async () => {
  const serika = caseOf('Serika');
  const { server, store, manager } = await started(serika);
  server.inject(serika.submitRoute[0], serika.submitRoute[1], { kind: 'hang' });
  const timedOut = await manager.submit(serika.request, { kind: 'input' }, outputIn());
  assert.equal(store.get(timedOut)!.status, 'failed');
  assert.match(store.get(timedOut)!.error!.message, /may or may not have received the job/);
  assert.equal(await manager.sendAgainRisk(timedOut), 'mayDuplicate');
  server.inject(serika.submitRoute[0], serika.submitRoute[1], { kind: 'status', status: 400, body: '{"error":{"message":"bad size"}}' });
  const refused = await manager.submit(serika.request, { kind: 'input' }, outputIn());
  assert.equal(store.get(refused)!.status, 'failed');
  assert.equal(await manager.sendAgainRisk(refused), 'safe', 'a 400 made nothing there');
});

test('TAMS: Retry of a job cancelled on its way sends the same requestId, so TAMS answers with the job it has', async () => {
  const tams = caseOf('TAMS');
  const { server, store, manager, id, job } = await cancelledOnItsWay(tams);
  assert.equal(await manager.sendAgainRisk(id), 'sameKey', 'nothing to ask');
  // the first sending arrives after all (the test replays it): TAMS has the job, and we have no id for it
  const [first] = posts(tams, server);
  const replay = await fetch(`${server.url}${first!.path}`, {
    method: 'POST',
    headers: { authorization: String(first!.headers.authorization), 'content-type': 'application/json' },
    body: first!.body,
  });
  assert.equal(replay.status, 200);
  const made = [...server.jobs.keys()];
  assert.equal(made.length, 1);

  const next = await manager.retry(id);
  assert.notEqual(next, id);
  assert.equal(store.get(next)!.idempotencyKey, job.idempotencyKey);
  const requestIds = posts(tams, server).map((request) => JSON.parse(request.body).requestId);
  assert.deepEqual(requestIds, [job.idempotencyKey, job.idempotencyKey, job.idempotencyKey]);
  assert.deepEqual([...server.jobs.keys()], made, 'no second job at TAMS');
  const done = await waitFor(() => store.get(next)?.status === 'succeeded' && store.get(next), 10_000, 'its result');
  assert.equal(done.remoteId, made[0]);
});

test('TAMS: a job cancelled while it waited to repeat a submission that may have arrived is sent again with the same requestId', async () => {
  const tams = caseOf('TAMS');
  const { server, store, manager } = await started(tams);
  // TAMS makes the job, and the connection drops before its answer: the submitter waits, then repeats
  server.inject(tams.submitRoute[0], tams.submitRoute[1], { kind: 'dropAfterHandling' });
  const submitting = manager.submit(tams.request, { kind: 'input' }, outputIn());
  const waiting = await waitFor(() => store.all().find((job) => sendWaitOf(job)), 5000, 'the repeat waiting');
  await manager.cancel(waiting.id);
  await submitting;
  assert.equal(store.get(waiting.id)!.cancelledWhileSending, true);
  assert.equal(await manager.sendAgainRisk(waiting.id), 'sameKey');
  const made = [...server.jobs.keys()];
  assert.equal(made.length, 1, 'the first attempt made it');
  const next = await manager.retry(waiting.id);
  const done = await waitFor(() => store.get(next)?.status === 'succeeded' && store.get(next), 10_000, 'its result');
  assert.equal(done.remoteId, made[0], 'the job the first attempt made');
  assert.deepEqual([...server.jobs.keys()], made, 'no second job at TAMS');
});

test('a Serika job cancelled while it waited to be sent (a 429) was never sent: no question, no "may still run there"', async () => {
  const serika = caseOf('Serika');
  const { server, store, manager } = await started(serika);
  const limited = {
    kind: 'status',
    status: 429,
    headers: { 'retry-after': '30' },
    body: '{"error":{"message":"Rate limit reached"}}',
  } as const;
  server.inject(serika.submitRoute[0], serika.submitRoute[1], limited);
  const submitting = manager.submit(serika.request, { kind: 'input' }, outputIn());
  const waiting = await waitFor(() => store.all().find((job) => sendWaitOf(job)), 5000, 'the job waiting to be sent');
  await manager.cancel(waiting.id);
  await submitting;
  const job = store.get(waiting.id)!;
  assert.equal(job.status, 'cancelled');
  assert.equal(job.cancelledWhileSending, undefined);
  assert.equal(job.cancelledLocally, undefined);
  assert.equal(localCancelNote(job), undefined);
  assert.equal(await manager.sendAgainRisk(job.id), 'safe');
  assert.equal(posts(serika, server).length, 1, 'the refused request only');
});

test('Serika: cancelling a sweep while its first cell is on its way marks that cell only: the cells waiting their turn were never sent', async () => {
  const serika = caseOf('Serika');
  const { server, store, manager } = await started(serika);
  server.inject(serika.submitRoute[0], serika.submitRoute[1], { kind: 'hang' });
  const cells = [1, 2, 3].map((n) => ({
    request: { ...serika.request, prompt: `cell ${n}` },
    output: outputIn(),
    cell: { keys: ['seed'], values: [n], position: [n - 1], shape: [3] },
  }));
  const { ids, sent } = await manager.submitBatch(cells, { kind: 'input' });
  await waitFor(() => posts(serika, server).length > 0, 5000, 'the first cell on its way');
  // all at once, as Cancel Batch does (one at a time, the next cell is sent as soon as the one before is cancelled)
  await Promise.all(ids.map((id) => manager.cancel(id)));
  await sent;
  assert.deepEqual(
    ids.map((id) => [store.get(id)!.status, store.get(id)!.cancelledWhileSending, store.get(id)!.cancelledLocally]),
    [
      ['cancelled', true, true],
      ['cancelled', undefined, undefined],
      ['cancelled', undefined, undefined],
    ],
  );
  assert.equal(posts(serika, server).length, 1, 'one cell was sent');
  assert.deepEqual(await Promise.all(ids.map((id) => manager.sendAgainRisk(id))), ['mayDuplicate', 'safe', 'safe']);
});

test('only a job cancelled on its way, or failed after it may have arrived, whose provider id never came back, is at risk', () => {
  const job = (status: JobStatus, change: Partial<JobRecord> = {}) =>
    jobRecord({ status, request: { providerId: 'serika', model: 'm', prompt: 'p', params: {} }, ...change });
  assert.equal(sendAgainRisk(job('cancelled', { cancelledWhileSending: true }), false), 'mayDuplicate');
  assert.equal(sendAgainRisk(job('cancelled', { cancelledWhileSending: true }), true), 'sameKey');
  assert.equal(sendAgainRisk(job('cancelled', { cancelledWhileSending: true, remoteId: 'job-1' }), false), 'safe', 'its id came back');
  assert.equal(sendAgainRisk(job('cancelled'), false), 'safe');
  assert.equal(sendAgainRisk(job('failed'), false), 'safe');
  const timedOut = { message: 'no answer', phase: 'submit', retryable: true, mayExist: true } as const;
  assert.equal(sendAgainRisk(job('failed', { error: timedOut }), false), 'mayDuplicate', 'no answer to its submission');
  assert.equal(sendAgainRisk(job('failed', { error: timedOut }), true), 'sameKey');
  assert.equal(sendAgainRisk(job('failed', { error: { ...timedOut, mayExist: undefined } }), false), 'safe', 'refused: nothing there');
  const bifrost = job('cancelled', { request: { providerId: 'bifrost', model: 'm', prompt: 'p', params: {} } });
  assert.deepEqual(
    sendAgainQuestion([
      job('cancelled'),
      job('failed', { request: { providerId: 'serika', model: 'm', prompt: 'A  red\nfox', params: {} } }),
      bifrost,
    ]),
    {
      question: 'Send 3 jobs “p”, “A red fox”, “p” to Serika or Bifrost again?',
      detail:
        'Serika or Bifrost may already have them: their requests were sent, and they were cancelled or failed before Serika or ' +
        'Bifrost answered. Serika or Bifrost may run and bill them, and neither can tell a second sending from the first, so ' +
        'sending again may make second jobs; their dashboards show what they have.',
      sendAll: 'Send Again',
      sendNone: "Don't Send",
    },
  );
  const cell = job('cancelled', {
    sweep: { batchId: 'b', keys: ['place', 'seed'], values: ['a cove', 3], position: [0, 0], shape: [2, 2] },
  });
  assert.deepEqual(sendAgainQuestion([cell], 2), {
    question: 'Retry 3 jobs? “place a cove · seed 3” may be at Serika already',
    detail:
      'Serika may already have it: its request was sent, and it was cancelled before Serika answered. Serika may run and bill it, ' +
      'and cannot tell a second sending from the first, so sending again may make a second job; its dashboard shows what it has. ' +
      'Retrying the other 2 cannot make a second job.',
    sendAll: 'Retry All 3',
    sendOthers: 'Retry the Other 2',
    sendNone: "Don't Retry",
  });
});
