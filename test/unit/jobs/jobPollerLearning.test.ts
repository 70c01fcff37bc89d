// What the poller learns about a kind of job at a provider blind to progress: when a job started
// (SubModel reports its queue time) and, for a kind nobody has timed, when the first ones finish.
import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { JobManager, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, waitFor } from '../helpers';
import { earlierJobs } from '../../fixtures/earlierJobs';
import { contextFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';
import type { JobRecord } from '../../../src/core/jobModel';
import type { PollPolicyOptions } from '../../../src/core/jobs/pollPolicy';
import { SCOUTS_PER_KIND } from '../../../src/core/jobs/scouts';
import type { FakeProviderServer, RecordedRequest } from '../../fixtures/providers/fakeServer';

const subModel = PROVIDER_CASES.find((candidate) => candidate.name === 'SubModel')!;
/** A status request: a look at a job. */
const isLook = (request: RecordedRequest) => request.method === subModel.pollRoute[0] && subModel.pollRoute[1].test(request.path);
const toStop: { dispose?: () => void; stop?: () => Promise<void> }[] = [];
// each test's manager and server stop with it: jobs left polling (a batch's scouts run a minute) would load the next tests
afterEach(async () => {
  for (const item of toStop.splice(0)) {
    item.dispose?.();
    await item.stop?.();
  }
});

async function start(earlier: JobRecord[], maxIntervalMs = 80, policy: Partial<PollPolicyOptions> = {}, random = () => 0.5) {
  const server = subModel.createServer();
  await server.start();
  const store = new JobStore(memoryPersistence(earlier));
  const access: ProviderAccess = async () => ({ provider: subModel.provider, context: contextFor(subModel, server) });
  const manager = new JobManager(store, access, fileSink, collectingLogger(), {
    pollPolicy: () => ({ ...fastPolls(), maxIntervalMs, ...policy }),
    random,
  });
  toStop.push(manager, server);
  return { server, store, manager };
}

/** `count` finished jobs of the kind, each as long as `durationMs`: the history the poller learns from. */
const earlier = (count: number, durationMs: number) =>
  earlierJobs(
    subModel.request,
    outputIn(),
    Array.from({ length: count }, () => durationMs),
  );

/** When each job (by its id at the provider) was first looked at. */
function firstLooks(server: { requests: readonly RecordedRequest[] }): Map<string, number> {
  const firstLookOf = new Map<string, number>();
  for (const look of server.requests.filter(isLook)) {
    const remoteId = decodeURIComponent(look.path.split('/').pop()!);
    if (!firstLookOf.has(remoteId)) firstLookOf.set(remoteId, look.at);
  }
  return firstLookOf;
}

/**
 * A batch of `extra` jobs more than the scouts: the scouts (the kind's first jobs, a minute long) are
 * submitted and looked at, then the rest, which wait; `firstResultAfterMs` later one scout ends
 * (`finishNow`). Which jobs scout and when the first one ends are the test's, not a loaded machine's.
 * Returns the scouts looked at before the first result was seen, and each waiting job's first look
 * after it (ms) with its age then.
 */
async function scoutedBatch(manager: JobManager, store: JobStore, server: FakeProviderServer, extra: number, firstResultAfterMs: number) {
  const submit = () => manager.submit(subModel.request, { kind: 'input' }, outputIn());
  const remoteIdOf = (id: string) => store.get(id)!.remoteId!;
  server.durationMs = 60_000;
  const scouts = await Promise.all(Array.from({ length: SCOUTS_PER_KIND }, submit));
  await waitFor(() => scouts.every((id) => firstLooks(server).has(remoteIdOf(id))), 10_000, 'a look at every scout');
  const waiting = await Promise.all(Array.from({ length: extra }, submit));
  await new Promise((resolve) => setTimeout(resolve, firstResultAfterMs));
  server.finishNow(remoteIdOf(scouts[0]!));
  const firstResultAt = await waitFor(() => store.get(scouts[0]!)?.resultAt, 10_000, 'the first result');
  await waitFor(() => waiting.every((id) => firstLooks(server).has(remoteIdOf(id))), 30_000, 'a look at every waiting job');
  const firstLookOf = firstLooks(server);
  return {
    scoutsLookedEarly: scouts.filter((id) => firstLookOf.get(remoteIdOf(id))! < firstResultAt).length,
    waited: waiting.map((id) => ({
      after: firstLookOf.get(remoteIdOf(id))! - firstResultAt,
      ageMs: firstResultAt - store.get(id)!.createdAt,
    })),
  };
}

test("SubModel: a running job's start is its submission plus the queue time it reports, not when it was first seen running", async () => {
  // ten earlier jobs ran 4 s: the first look comes after ~0.9 × 3.6 s, long after this job left the queue at 1.8 s
  const { server, store, manager } = await start(earlier(10, 4000));
  server.durationMs = 6000; // the fixture queues a job for 30% of it, and says so in delayTime once it runs
  const id = await manager.submit(subModel.request, { kind: 'input' }, outputIn());
  await waitFor(() => store.get(id)?.startedAt !== undefined, 10_000, 'the job to be seen running');
  const job = store.get(id)!;
  const firstLook = server.requests.find(isLook)!.at - job.createdAt;
  assert.ok(firstLook > 3000, `first look at ${firstLook} ms, after the quiet period`);
  const started = job.startedAt! - job.createdAt;
  assert.ok(Math.abs(started - 1800) < 150, `started at ${started} ms after submission (the fixture's queue time is 1800 ms)`);
});

test('SubModel: a job first seen done has its start and run time from the answer (delayTime, executionTime), not from that look', async () => {
  // ten earlier jobs ran 4 s: the first look comes after ~3.6 s, when this 1 s job has long ended
  const { server, store, manager } = await start(earlier(10, 4000));
  server.durationMs = 1000; // queued 300 ms, ran 700 ms
  const id = await manager.submit(subModel.request, { kind: 'input' }, outputIn());
  await waitFor(() => store.get(id)?.resultAt !== undefined, 10_000, 'the result');
  const job = store.get(id)!;
  assert.equal(server.requests.filter(isLook).length, 1, 'found done at its first look');
  assert.equal(job.runMs, 700);
  const started = job.startedAt! - job.createdAt;
  assert.ok(Math.abs(started - 300) < 150, `started ${started} ms after submission (the fixture's queue time is 300 ms)`);
});

test('a batch of a kind nobody has timed: scouts are looked at, the rest wait for the first result, then are looked at at once', async () => {
  // scouts looked at every 200 ms at most: 60 of them at the fast policy's 20 ms flooded a loaded machine
  const { server, store, manager } = await start([], 10_000, { scoutMinIntervalMs: 200 });
  const { scoutsLookedEarly, waited } = await scoutedBatch(manager, store, server, 5, 1000);
  assert.equal(scoutsLookedEarly, SCOUTS_PER_KIND, 'every scout looked at before the first result');
  // released, a job is looked at a tenth of its age later (fastPolls), where it would wait out the 10 s cadence
  for (const { after, ageMs } of waited) {
    assert.ok(after >= 0, `a waiting job looked at ${-after} ms before the first result`);
    assert.ok(after < Math.max(500, ageMs / 2), `a waiting job ${ageMs} ms old looked at ${after} ms after the first result`);
  }
});

test('a job of a kind timed before is no scout: looked at on the usual schedule, not every 1 s', async () => {
  // five earlier results: too few for a quiet period or a typical duration; a floor for scouts of 1 s
  const { server, store, manager } = await start(earlier(5, 300), 2000, { scoutMinIntervalMs: 1000 });
  server.durationMs = 2500;
  const id = await manager.submit(subModel.request, { kind: 'input' }, outputIn());
  await waitFor(() => store.get(id)?.status === 'succeeded', 10_000, 'the job to finish');
  const looks = server.requests.filter(isLook).map((request) => request.at);
  const gaps = looks.slice(1).map((at, i) => at - looks[i]!);
  assert.ok(Math.max(...gaps) < 500, `looks at most ${Math.max(...gaps)} ms apart (10% of a job's age under 2.5 s), not the scouts' 1 s`);
});

test("a job that waited for the scouts is not slowed as queued: that state is its submission's, as old as the wait", async () => {
  // looks every half of a job's age, four times rarer while queued: at the first result, half its age or twice it
  const { server, store, manager } = await start([], 20_000, { ageFraction: 0.5, queuedMultiplier: 4 });
  const { waited } = await scoutedBatch(manager, store, server, 5, 1000);
  assert.equal(waited.length, 5);
  for (const { after, ageMs } of waited)
    assert.ok(after < ageMs, `a waiting job ${ageMs} ms old looked at ${after} ms after the first result, not twice its age later`);
});

test('a job past the typical duration of its kind is looked at every age fraction of that duration, not of its own age', async () => {
  // ten earlier jobs took 1 s: 10% of 1 s is 100 ms, where 10% of this job's age would reach 500 ms
  const { server, store, manager } = await start(earlier(10, 1000), 2000);
  server.durationMs = 5000;
  const id = await manager.submit(subModel.request, { kind: 'input' }, outputIn());
  await waitFor(() => store.get(id)?.status === 'succeeded', 15_000, 'the job to finish');
  const createdAt = store.get(id)!.createdAt;
  const late = server.requests.filter((request) => isLook(request) && request.at - createdAt > 3000).map((request) => request.at);
  const gaps = late
    .slice(1)
    .map((at, i) => at - late[i]!)
    .sort((a, b) => a - b);
  const median = gaps[Math.floor(gaps.length / 2)]!;
  assert.ok(median < 200, `looks ${median} ms apart past 3 s (${gaps.length} gaps), not 10% of the age (300–500 ms)`);
});

test('the first result of a batch scouted by many is a low quantile: the next job of the kind waits the quiet period it sets', async () => {
  const { server, store, manager } = await start([], 2000);
  server.durationMs = 2000; // queued 600 ms, then runs 1400 ms: the quiet period is 0.9 × 1.4 s
  const ids = await Promise.all(
    Array.from({ length: SCOUTS_PER_KIND }, () => manager.submit(subModel.request, { kind: 'input' }, outputIn())),
  );
  await waitFor(() => ids.some((id) => store.get(id)?.resultAt !== undefined), 10_000, 'the first result');
  const next = await manager.submit(subModel.request, { kind: 'input' }, outputIn());
  await waitFor(() => store.get(next)?.status === 'succeeded', 10_000, 'the next job to finish');
  const job = store.get(next)!;
  const looks = server.requests.filter((request) => isLook(request) && request.path.endsWith(job.remoteId!));
  const firstLook = looks[0]!.at - job.createdAt;
  // one result alone would not do: the quiet period used to wait for eight, so it was looked at after the minimum interval
  assert.ok(firstLook >= 1200, `first look ${firstLook} ms after submission, not before the quiet period of ${0.9 * 1400} ms`);
});

test("a batch after another learns from the last jobs submitted, not from the other's last results, its slowest", async () => {
  // looked at every 500 ms at most: a hundred jobs at the fast policy's 80 ms loaded a busy machine for seconds
  const { server, store, manager } = await start([], 500);
  const submit = () => manager.submit(subModel.request, { kind: 'input' }, outputIn());
  // 50 slow jobs submitted first, then 50 quick ones: the quick ones end first, the slow ones last
  server.durationMs = 3000;
  const slow = await Promise.all(Array.from({ length: 50 }, submit));
  server.durationMs = 600;
  const quick = await Promise.all(Array.from({ length: 50 }, submit));
  // one more that outlives the batch, removed once the rest have ended: then none of the kind is in flight
  server.durationMs = 60_000;
  const outlived = await submit();
  await waitFor(() => [...slow, ...quick].every((id) => store.get(id)?.status === 'succeeded'), 30_000, 'the first batch to finish');
  await manager.remove(outlived);
  server.durationMs = 600;
  const next = await submit();
  await waitFor(() => store.get(next)?.status === 'succeeded', 10_000, 'the next job to finish');
  const job = store.get(next)!;
  const firstLook = server.requests.find((request) => isLook(request) && request.path.endsWith(job.remoteId!))!.at - job.createdAt;
  // queued 180 ms, then runs 420 ms: learnt from the last 50 results, the quiet period would be 0.9 × 2.1 s
  assert.ok(firstLook < 1000, `first look ${firstLook} ms after submission, within the quick jobs' quiet period, not the slow ones'`);
});

test("a job's looks are jittered once: the later ones keep that phase, and a look at once (Refresh All) jitters the next guess again", async () => {
  // every jitter draws its extreme: a jittered interval is half of the guess from the age
  const ageFraction = 0.2;
  const { server, store, manager } = await start([], 10_000, { ageFraction, jitter: 0.5 }, () => 0);
  server.durationMs = 8000; // queued 2.4 s, then running: the job outlives the test
  const id = await manager.submit(subModel.request, { kind: 'input' }, outputIn());
  const createdAt = store.get(id)!.createdAt;
  const looks = () => server.requests.filter(isLook).map((request) => request.at);
  /** Each gap after a look, over the guess from the job's age at that look (1: not jittered; 0.5: jittered). */
  const shares = (times: number[]) => times.slice(0, -1).map((at, i) => (times[i + 1]! - at) / (ageFraction * (at - createdAt)));
  // past 1 s, a look is 200 ms or more after the last: a look a loaded machine delays by tens of ms stays on its side of 0.75
  await waitFor(() => looks().some((at) => at - createdAt > 3000), 10_000, 'looks until the job is 3 s old');
  const before = looks().filter((at) => at - createdAt > 1000);
  assert.ok(before.length >= 4, `${before.length} looks past 1 s`);
  for (const share of shares(before)) assert.ok(share > 0.75, `a later look kept the phase (gap ${share.toFixed(2)} × the guess, not 0.5)`);

  // Refresh All while a look is in flight sends no second one (that look's answer is the fresh one), so
  // it waits for the answer: 150 ms after the look, well before the next (600 ms at 3 s old)
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, before.at(-1)! + 150 - Date.now())));
  assert.equal(looks().at(-1), before.at(-1), 'no look since');
  const refreshedAt = Date.now();
  manager.refreshAll();
  await waitFor(() => looks().filter((at) => at >= refreshedAt).length >= 3, 10_000, 'three looks after Refresh All');
  const [atOnce, next, third] = looks().filter((at) => at >= refreshedAt);
  assert.ok(atOnce! - refreshedAt < 100, 'Refresh All looks at once');
  const [jittered, kept] = shares([atOnce!, next!, third!]);
  assert.ok(jittered! < 0.75, `the guess after the look at once is jittered again (gap ${jittered!.toFixed(2)} × the guess)`);
  assert.ok(kept! > 0.75, `and the one after keeps that phase (gap ${kept!.toFixed(2)} × the guess)`);
});
