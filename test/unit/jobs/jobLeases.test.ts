// Two windows on one workspace: each has its own copy of the jobs, both resume them, and exactly one
// polls and downloads each job while the other adopts the outcome.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileJobLeases } from '../../../src/core/jobs/jobLeases';
import { imageCount, type JobRecord } from '../../../src/core/jobModel';
import { JobManager } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { contextFor, managerFor, outputIn, PROVIDER_CASES } from '../providers/providerCases';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, tempDir, waitFor } from '../helpers';

const stops: (() => unknown)[] = [];
after(async () => {
  for (const stop of stops) await stop();
});

test('a free lease goes to one window; a live one is not taken; a stale one is', async () => {
  const folder = tempDir();
  let now = 1_000_000;
  const a = new FileJobLeases(folder, () => now);
  const b = new FileJobLeases(folder, () => now);
  const results = await Promise.all([a.acquire('job-1'), b.acquire('job-1')]);
  assert.deepEqual([...results].sort(), [false, true], 'exactly one window wins');
  const [owner, other] = results[0] ? [a, b] : [b, a];
  assert.equal(await owner.acquire('job-1'), true, 'the owner renews');
  assert.equal(await other.acquire('job-1'), false);
  now += 61 * 1000; // the owner crashed: no heartbeat, no release
  assert.equal(await other.acquire('job-1'), true, 'a stale lease is taken over');
  await other.complete('job-1', { status: 'succeeded', assets: [], finishedAt: now });
  assert.equal((await owner.outcome('job-1'))?.status, 'succeeded');
  assert.equal(await owner.acquire('job-1'), false, 'a finished job is not taken again');
  for (const leases of [a, b]) leases.dispose();
});

test('a window claiming many jobs at once (a sweep, a reload) writes its heartbeat once, and every claim stands', async () => {
  const folder = tempDir();
  const leases = new FileJobLeases(folder);
  const ids = Array.from({ length: 64 }, (_, i) => `cell-${i}`);
  // before, each claim renamed the same temporary heartbeat file: all but one failed with ENOENT
  const results = await Promise.all(ids.map((id) => leases.acquire(id)));
  assert.deepEqual(
    results,
    ids.map(() => true),
  );
  assert.equal(readdirSync(join(folder, 'leases')).length, ids.length, 'a claim file per job');
  assert.deepEqual(readdirSync(join(folder, 'windows')), [`${leases.owner}.json`], 'one heartbeat, no temporary file left');
  leases.dispose();
});

test("a held job is worked on without a look at its claim while the window's heartbeat is fresh, and looked at again after", async () => {
  const folder = tempDir();
  let now = 1_000_000;
  const window = new FileJobLeases(folder, () => now);
  assert.equal(await window.acquire('job-4'), true);
  // another window's claim, alive: only a look at the files would see it
  mkdirSync(join(folder, 'windows'), { recursive: true });
  writeFileSync(join(folder, 'windows', 'other.json'), JSON.stringify({ expiresAt: now + 10 * 60_000 }));
  writeFileSync(join(folder, 'leases', 'job-4.json'), JSON.stringify({ owner: 'other' }));
  assert.equal(await window.acquire('job-4'), true, 'a poll of a held job touches no file');
  now += 45_000; // the window slept past its heartbeat: its claims may have been taken meanwhile
  assert.equal(await window.acquire('job-4'), false, 'after a missed heartbeat the claim is read again');
  window.dispose();
});

test('a closing window frees its leases at once, so the reloaded window resumes without waiting', async () => {
  const folder = tempDir();
  const closing = new FileJobLeases(folder);
  assert.equal(await closing.acquire('job-2'), true);
  const reloaded = new FileJobLeases(folder);
  assert.equal(await reloaded.acquire('job-2'), false, 'held while the first window lives');
  closing.dispose();
  assert.equal(await reloaded.acquire('job-2'), true);
  assert.equal(await closing.acquire('job-3'), false, 'a closed window takes nothing new');
  reloaded.dispose();
});

test('two windows resuming the same jobs download each one once and agree on the result', async () => {
  const tams = PROVIDER_CASES.find((candidate) => candidate.name === 'TAMS')!;
  const server = tams.createServer();
  await server.start();
  stops.push(() => server.stop());
  server.durationMs = 800;
  const leaseFolder = tempDir();
  const output = outputIn();
  // window 1 submits, then both windows load the same saved state (as two windows of one workspace do)
  const first = managerFor(tams, server);
  stops.push(() => first.manager.dispose());
  const ids = await Promise.all(
    [1, 2, 3].map((n) => first.manager.submit({ ...tams.request, prompt: `job ${n}` }, { kind: 'script' }, output)),
  );
  first.manager.dispose();
  await first.store.flush();
  const saved = first.persistence.saved;
  const windows = [0, 1].map(() => {
    const store = new JobStore(memoryPersistence(JSON.parse(JSON.stringify(saved)) as JobRecord[]));
    const leases = new FileJobLeases(leaseFolder);
    const manager = new JobManager(
      store,
      async () => ({ provider: tams.provider, context: contextFor(tams, server) }),
      fileSink,
      collectingLogger(),
      { pollPolicy: fastPolls, leases },
    );
    stops.push(
      () => manager.dispose(),
      () => leases.dispose(),
    );
    return { store, manager };
  });
  for (const window of windows) window.manager.resume();
  for (const id of ids) {
    for (const window of windows) await waitFor(() => window.store.get(id)!.status === 'succeeded', 20_000, `job ${id} in both windows`);
    assert.deepEqual(windows[0]!.store.get(id)!.assets, windows[1]!.store.get(id)!.assets, 'both windows show the same files');
  }
  const files = readdirSync(join(output.dir, 'out')).filter((name) => name.endsWith('.png'));
  assert.equal(files.length, ids.length * imageCount(tams.request.params), `each image saved once: ${files.join(', ')}`);
  const downloads = server.requests.filter((request) => request.path.startsWith('/files/')).length;
  assert.equal(downloads, ids.length * imageCount(tams.request.params), 'each image downloaded once');
});

test('retrying a job that failed to save resumes it, even though its failure was recorded for other windows', async () => {
  const { writeFileSync, rmSync } = await import('node:fs');
  const tams = PROVIDER_CASES.find((candidate) => candidate.name === 'TAMS')!;
  const server = tams.createServer();
  await server.start();
  stops.push(() => server.stop());
  server.durationMs = 100;
  const leases = new FileJobLeases(tempDir());
  const store = new JobStore(memoryPersistence());
  const manager = new JobManager(
    store,
    async () => ({ provider: tams.provider, context: contextFor(tams, server) }),
    fileSink,
    collectingLogger(),
    { pollPolicy: fastPolls, leases },
  );
  stops.push(
    () => manager.dispose(),
    () => leases.dispose(),
  );
  const output = outputIn();
  writeFileSync(join(output.dir, 'out'), 'a file where the output folder should be');
  const id = await manager.submit(tams.request, { kind: 'script' }, output);
  await waitFor(() => store.get(id)!.status === 'failed', 10_000, 'the save to fail');
  assert.equal(await recordedOutcome(leases, id, 'failed'), 'failed', 'other windows were told');
  rmSync(join(output.dir, 'out'));
  assert.equal(await manager.retry(id), id);
  const job = await waitFor(() => ['succeeded', 'failed'].includes(store.get(id)!.status) && store.get(id), 10_000);
  assert.equal(job.status, 'succeeded', job.error?.message);
  assert.equal(await recordedOutcome(leases, id, 'succeeded'), 'succeeded');
});

/** The outcome is written just after the store changes: wait up to a second for `expected`. */
async function recordedOutcome(leases: FileJobLeases, id: string, expected: string): Promise<string | undefined> {
  let status: string | undefined;
  for (let i = 0; i < 50 && status !== expected; i++) {
    status = (await leases.outcome(id))?.status;
    if (status !== expected) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return status;
}
