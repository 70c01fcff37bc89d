import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxServer } from '../../src/core/sandbox/server';
import { renderSandboxImage } from '../../src/core/sandbox/renderer';
import { sandboxProvider } from '../../src/core/providers/sandbox';
import { HttpClient } from '../../src/core/http';
import { isPng, pngSize } from '../../src/core/results/png';
import type { GenerationRequest } from '../../src/core/jobModel';
import type { RemoteJobState } from '../../src/core/providers/types';
import { rejection, tempDir } from './helpers';

const http = new HttpClient();
const servers: SandboxServer[] = [];
after(() => Promise.all(servers.map((server) => server.stop())));

async function startServer(
  durationMs: number,
  stateFile?: string,
  more: { concurrency?: number; now?: () => number } = {},
): Promise<{ server: SandboxServer; context: { http: HttpClient; baseUrl: string } }> {
  const server = new SandboxServer({ jobDurationMs: () => durationMs, stateFile, ...more });
  servers.push(server);
  return { server, context: { http, baseUrl: await server.start() } };
}

const request: GenerationRequest = {
  providerId: 'sandbox',
  model: 'landscape',
  prompt: 'a lighthouse at dusk',
  params: { width: 128, height: 96, seed: 7, count: 2 },
};

test('renders deterministic PNGs from prompt, seed and size', () => {
  const a = renderSandboxImage({ prompt: 'x', seed: 1, width: 64, height: 48 });
  assert.ok(isPng(a));
  assert.deepEqual(pngSize(a), { width: 64, height: 48 });
  assert.ok(a.equals(renderSandboxImage({ prompt: 'x', seed: 1, width: 64, height: 48 })));
  assert.ok(!a.equals(renderSandboxImage({ prompt: 'x', seed: 2, width: 64, height: 48 })));
  assert.ok(!a.equals(renderSandboxImage({ prompt: 'y', seed: 1, width: 64, height: 48 })));
});

test('a job with a free slot goes running → succeeded over real HTTP, with downloadable PNG outputs', async () => {
  const { context } = await startServer(400);
  const submitted = await sandboxProvider.submit(request, 'key-1', context);
  assert.equal(submitted.state.status, 'running', 'nothing else runs: no queue');
  const seen = new Set<string>();
  let state: RemoteJobState = submitted.state;
  while (state.status !== 'succeeded') {
    seen.add(state.status);
    await new Promise((resolve) => setTimeout(resolve, 30));
    state = await sandboxProvider.poll(submitted.remoteId, context);
  }
  assert.deepEqual([...seen], ['running']);
  assert.equal(state.outputs.length, 2);
  assert.deepEqual(
    state.outputs.map((o) => o.seed),
    [7, 8],
  );
  const first = state.outputs[0]!;
  assert.equal(first.kind, 'url');
  const file = await http.download(first.kind === 'url' ? first.url : '', { maxBytes: 1e6 });
  assert.equal(file.contentType, 'image/png');
  assert.deepEqual(pngSize(file.bytes), { width: 128, height: 96 });
  assert.ok(file.bytes.equals(renderSandboxImage({ prompt: request.prompt, seed: 7, width: 128, height: 96 })));
});

/** What each job reports at this moment: `running 0.5`, `queued #1`, `succeeded`. */
/** Each job's state, polled one by one; the list (pollMany) must say the same of every job. */
async function statesAt(context: { http: HttpClient; baseUrl: string }, ids: string[]): Promise<string[]> {
  const states = await Promise.all(ids.map((id) => sandboxProvider.poll(id, context)));
  const listed = await sandboxProvider.pollMany!(ids, context);
  assert.deepEqual(
    ids.map((id) => listed.get(id)),
    states.map((state) => ({ state })),
    'the list and the single polls agree',
  );
  return states.map((state) =>
    state.status === 'running' ? `running ${state.progress}` : state.status === 'queued' ? `queued #${state.queuePosition}` : state.status,
  );
}

test('jobs queue only while every render slot is busy, and progress moves from 0 to 1 while they run', async () => {
  let clock = 1_000_000;
  const { context } = await startServer(1000, undefined, { concurrency: 2, now: () => clock });
  const ids: string[] = [];
  for (const key of ['a', 'b', 'c', 'd']) ids.push((await sandboxProvider.submit(request, key, context)).remoteId);
  assert.deepEqual(await statesAt(context, ids), ['running 0', 'running 0', 'queued #1', 'queued #2']);
  clock += 250;
  assert.deepEqual(await statesAt(context, ids), ['running 0.25', 'running 0.25', 'queued #1', 'queued #2']);
  clock += 500;
  assert.deepEqual(await statesAt(context, ids), ['running 0.75', 'running 0.75', 'queued #1', 'queued #2']);
  // a cancel frees its slot at once: the next job starts now, not when the cancelled one would have ended
  await sandboxProvider.cancel!(ids[0]!, context);
  assert.deepEqual(await statesAt(context, ids), ['cancelled', 'running 0.75', 'running 0', 'queued #1']);
  clock += 250;
  assert.deepEqual(await statesAt(context, ids), ['cancelled', 'succeeded', 'running 0.25', 'running 0']);
  clock += 1000;
  assert.deepEqual(await statesAt(context, ids), ['cancelled', 'succeeded', 'succeeded', 'succeeded']);
});

test('the ETA counts the wait in the queue', async () => {
  let clock = 5_000;
  const { context } = await startServer(1000, undefined, { concurrency: 1, now: () => clock });
  const first = await sandboxProvider.submit(request, 'eta-1', context);
  const second = await sandboxProvider.submit(request, 'eta-2', context);
  clock += 400;
  const [running, queued] = await Promise.all([first, second].map((job) => sandboxProvider.poll(job.remoteId, context)));
  assert.deepEqual(running, { status: 'running', progress: 0.4, etaMs: 600 });
  assert.deepEqual(queued, { status: 'queued', queuePosition: 1, etaMs: 1600 });
});

test('the same idempotency key never creates a second job', async () => {
  const { context } = await startServer(1000);
  const first = await sandboxProvider.submit(request, 'same-key', context);
  const again = await sandboxProvider.submit(request, 'same-key', context);
  assert.equal(again.remoteId, first.remoteId);
});

test('cancel stops a job; cancelling a finished one is refused', async () => {
  const { context } = await startServer(5000);
  const job = await sandboxProvider.submit(request, 'cancel-me', context);
  await sandboxProvider.cancel!(job.remoteId, context);
  assert.deepEqual(await sandboxProvider.poll(job.remoteId, context), { status: 'cancelled' });
  const error = await rejection(sandboxProvider.cancel!(job.remoteId, context));
  assert.equal(error.kind, 'badRequest');
  assert.match(error.message, /HTTP 409: job is already cancelled/);
});

test('the broken model fails with a reason', async () => {
  const { context } = await startServer(50);
  const job = await sandboxProvider.submit({ ...request, model: 'broken' }, 'broken-1', context);
  await new Promise((resolve) => setTimeout(resolve, 120));
  const state = await sandboxProvider.poll(job.remoteId, context);
  assert.equal(state.status, 'failed');
  assert.match(state.status === 'failed' ? state.reason : '', /always fails/);
});

test('bad requests and unknown jobs get clear errors', async () => {
  const { context } = await startServer(50);
  const badSize = await rejection(sandboxProvider.submit({ ...request, params: { ...request.params, width: 10 } }, 'bad', context));
  assert.equal(badSize.kind, 'badRequest');
  assert.match(badSize.message, /width must be an integer from 64 to 2048/);
  const unknownModel = await rejection(sandboxProvider.submit({ ...request, model: 'sdxl' }, 'bad2', context));
  assert.match(unknownModel.message, /unknown model "sdxl"/);
  const missing = await rejection(sandboxProvider.poll('nope', context));
  assert.equal(missing.kind, 'notFound');
});

test('the state file: one line per submission or cancel; a torn line is skipped; the old single-array file is read and rewritten', async () => {
  const stateFile = join(tempDir(), 'sandbox.json');
  let clock = 1_000_000;
  const first = await startServer(1000, stateFile, { now: () => clock });
  const kept = await sandboxProvider.submit(request, 'kept', first.context);
  const cancelled = await sandboxProvider.submit(request, 'cancelled', first.context);
  await sandboxProvider.cancel!(cancelled.remoteId, first.context);
  await first.server.stop();
  assert.equal(readFileSync(stateFile, 'utf8').trim().split('\n').length, 3);
  appendFileSync(stateFile, '{"job":{"id":"tor');
  const second = await startServer(1000, stateFile, { now: () => clock });
  clock += 400;
  assert.deepEqual(await statesAt(second.context, [kept.remoteId, cancelled.remoteId]), ['running 0.4', 'cancelled']);
  await second.server.stop();
  // before the lines, the file was one JSON array of jobs
  const jobs = readFileSync(stateFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"job":') && line.endsWith('}'))
    .map((line) => JSON.parse(line).job);
  writeFileSync(stateFile, JSON.stringify(jobs));
  const third = await startServer(1000, stateFile, { now: () => clock });
  assert.equal((await sandboxProvider.poll(kept.remoteId, third.context)).status, 'running');
  assert.ok(readFileSync(stateFile, 'utf8').startsWith('{"job":'), 'rewritten as lines');
});

test('jobs survive a server restart when a state file is given', async () => {
  const stateFile = join(tempDir(), 'sandbox.json');
  const first = await startServer(300, stateFile);
  const job = await sandboxProvider.submit(request, 'restart', first.context);
  await first.server.stop();
  const second = await startServer(300, stateFile);
  assert.notEqual(second.context.baseUrl, first.context.baseUrl);
  await new Promise((resolve) => setTimeout(resolve, 350));
  const state = await sandboxProvider.poll(job.remoteId, second.context);
  assert.equal(state.status, 'succeeded');
  assert.ok(state.status === 'succeeded' && state.outputs[0]!.kind === 'url' && state.outputs[0]!.url.startsWith(second.context.baseUrl));
});
