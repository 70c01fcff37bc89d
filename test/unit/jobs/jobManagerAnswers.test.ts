// How the job manager treats answers it did not expect, submissions that may or may not have landed,
// and error backoff. The provider here is a minimal job API on a real loopback server whose every
// answer is scripted by the test: what matters is the manager's reaction, not any provider's format.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { z } from 'zod';
import { unexpectedAnswer } from '../../../src/core/errors';
import { HttpClient } from '../../../src/core/http';
import { JobManager, type JobManagerOptions } from '../../../src/core/jobs/jobManager';
import { isTerminal, type GenerationRequest, type JobRecord } from '../../../src/core/jobModel';
import { JobStore } from '../../../src/core/jobs/jobStore';
import type { ImageProvider, RemoteJobState } from '../../../src/core/providers/types';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, rootUri, tempDir, waitFor } from '../helpers';

type Answer = { status: number; body: string; headers?: Record<string, string> };
const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Answer => ({
  status,
  body: JSON.stringify(body),
  headers,
});

/** A job API whose answers come from `script`, in order; it records each request with its time. */
class ScriptedServer {
  readonly requests: { method: string; path: string; at: number; body: string }[] = [];
  private readonly server: Server;
  url = '';

  constructor(private readonly script: (method: string, path: string, body: string) => Answer) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      this.requests.push({ method: req.method!, path: req.url!, at: Date.now(), body });
      const answer = this.script(req.method!, req.url!, body);
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  polls(): { at: number }[] {
    return this.requests.filter((request) => request.method === 'GET');
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const submitted = z.object({ id: z.string() });
const polled = z.object({ status: z.string(), url: z.string().optional() });

/** A provider documented as answering queued | running | done (with a url) | failed. */
function scriptedProvider(idempotentSubmit: boolean): ImageProvider {
  return {
    id: 'submodel',
    idempotentSubmit,
    async submit(_request, idempotencyKey, context) {
      const { data } = await context.http.requestJson(
        { method: 'POST', url: `${context.baseUrl}/jobs`, json: { key: idempotencyKey }, signal: context.signal },
        submitted,
        'Submitting to Scripted',
      );
      return { remoteId: data.id, state: { status: 'queued' } };
    },
    async poll(remoteId, context): Promise<RemoteJobState> {
      const { data } = await context.http.requestJson(
        { method: 'GET', url: `${context.baseUrl}/jobs/${remoteId}`, signal: context.signal },
        polled,
        'Checking Scripted job',
      );
      switch (data.status) {
        case 'queued':
        case 'running':
          return { status: data.status };
        case 'done':
          return { status: 'succeeded', outputs: [{ kind: 'base64', data: PNG_1PX }] };
        case 'failed':
          return { status: 'failed', reason: 'it failed' };
        default:
          throw unexpectedAnswer('Checking Scripted job', `status "${data.status}"`, data);
      }
    },
  };
}

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const request: GenerationRequest = { providerId: 'submodel', model: 'm', prompt: 'a quiet valley', params: {} };
const stops: (() => unknown)[] = [];
after(async () => {
  for (const stop of stops) await stop();
});

async function run(
  script: (method: string, path: string, body: string) => Answer,
  options: { idempotent?: boolean } & JobManagerOptions = {},
) {
  const server = new ScriptedServer(script);
  const baseUrl = await server.start();
  const store = new JobStore(memoryPersistence());
  const log = collectingLogger();
  const provider = scriptedProvider(options.idempotent ?? false);
  const manager = new JobManager(
    store,
    async () => ({ provider, context: { http: new HttpClient({ timeoutMs: 2000 }), baseUrl } }),
    fileSink,
    log,
    { pollPolicy: fastPolls, ...options },
  );
  stops.push(
    () => manager.dispose(),
    () => server.stop(),
  );
  const dir = tempDir();
  const submit = () =>
    manager.submit(request, { kind: 'script' }, { root: rootUri(dir), folder: 'out', nameTemplate: 'x-{{index}}', baseName: 'x' });
  const settled = async (id: string, timeoutMs = 15_000): Promise<JobRecord> =>
    waitFor(
      () => {
        const job = store.get(id);
        return job && isTerminal(job.status) && job;
      },
      timeoutMs,
      'the job to end',
    );
  return { server, store, log, manager, submit, settled };
}

test('a status the documents do not name ends the job after 3 answers in a row, with the answer in the log', async () => {
  const { server, log, submit, settled } = await run((method) =>
    method === 'POST' ? json({ id: 'r1' }) : json({ status: 'REFUNDED', secretish: 'x' }),
  );
  const job = await settled(await submit());
  assert.equal(job.status, 'failed');
  assert.equal(job.remoteId, 'r1', 'the id stays in the record');
  assert.match(job.error!.message, /unexpected answer from the provider \(status "REFUNDED"\)/);
  assert.match(job.error!.message, /Stopped after 3 unexpected answers in a row.*job id is r1/);
  assert.equal(server.polls().length, 3, 'three looks, not an hour of them');
  assert.ok(
    log.lines.some((line) => line.startsWith('warn [poll]') && line.includes('"status":"REFUNDED"')),
    'the raw answer is logged',
  );
});

test('a body that is not the documented shape counts the same way; a good answer in between starts the count again', async () => {
  const answers = [
    json({ nope: 1 }),
    json({ nope: 1 }),
    json({ status: 'running' }),
    { status: 200, body: '{"status": "runn' },
    json({ nope: 1 }),
    json({ status: 'done' }),
  ];
  const { submit, settled } = await run((method) =>
    method === 'POST' ? json({ id: 'r2' }) : (answers.shift() ?? json({ status: 'done' })),
  );
  const job = await settled(await submit());
  assert.equal(job.status, 'succeeded', job.error?.message);
});

test('an unreadable answer to a submission is not sent again without an idempotency key: the job ends saying so', async () => {
  const { server, log, submit, settled } = await run((method) =>
    method === 'POST' ? { status: 200, body: '{"id": "r3", "sta' } : json({ status: 'done' }),
  );
  const job = await settled(await submit());
  assert.equal(job.status, 'failed');
  assert.equal(job.error!.phase, 'submit');
  assert.equal(job.error!.retryable, false, 'a retry could make a second job');
  assert.match(job.error!.message, /submitted but the answer could not be read.*check the dashboard/);
  assert.equal(server.requests.filter((r) => r.method === 'POST').length, 1, 'submitted once');
  assert.ok(
    log.lines.some((line) => line.includes('[submit]') && line.includes('{"id": "r3", "sta')),
    'the raw answer is logged',
  );
});

test('with an idempotency key, an unreadable submission answer is sent again with the same key', async () => {
  let posts = 0;
  const { server, submit, settled } = await run(
    (method) => (method === 'POST' ? (++posts === 1 ? { status: 200, body: '<html>' } : json({ id: 'r4' })) : json({ status: 'done' })),
    { idempotent: true },
  );
  const job = await settled(await submit());
  assert.equal(job.status, 'succeeded', job.error?.message);
  const keys = server.requests.filter((r) => r.method === 'POST').map((r) => JSON.parse(r.body).key);
  assert.equal(keys.length, 2);
  assert.equal(keys[0], keys[1], 'the same idempotency key');
});

test('a refused connection sent nothing: the submission is retried even without an idempotency key, and the message says where it tried', async () => {
  const probe = new ScriptedServer(() => json({}));
  const port = Number(new URL(await probe.start()).port);
  await probe.stop();
  const store = new JobStore(memoryPersistence());
  const dir = tempDir();
  const gone = new JobManager(
    store,
    async () => ({
      provider: scriptedProvider(false),
      context: { http: new HttpClient({ timeoutMs: 500 }), baseUrl: `http://127.0.0.1:${port}` },
    }),
    fileSink,
    collectingLogger(),
    { pollPolicy: fastPolls, maxSubmitAttempts: 2 },
  );
  stops.push(() => gone.dispose());
  // the server comes up between the first attempt and the second
  const late = new ScriptedServer((method) => (method === 'POST' ? json({ id: 'r5' }) : json({ status: 'done' })));
  setTimeout(() => void late.start(port), 300);
  stops.push(() => late.stop());
  const id = await gone.submit(request, { kind: 'script' }, { root: rootUri(dir), folder: 'out', nameTemplate: 'y', baseName: 'y' });
  const job = await waitFor(
    () => {
      const j = store.get(id);
      return j && isTerminal(j.status) && j;
    },
    15_000,
    'the job to end',
  );
  assert.equal(job.status, 'succeeded', job.error?.message);
  assert.equal(late.requests.filter((r) => r.method === 'POST').length, 1, 'one job at the provider');
});

test('when every attempt is refused, the failure says nothing reached the provider and names the URL tried', async () => {
  const probe = new ScriptedServer(() => json({}));
  const url = await probe.start();
  await probe.stop();
  const store = new JobStore(memoryPersistence());
  const manager = new JobManager(
    store,
    async () => ({ provider: scriptedProvider(false), context: { http: new HttpClient({ timeoutMs: 500 }), baseUrl: url } }),
    fileSink,
    collectingLogger(),
    { pollPolicy: fastPolls, maxSubmitAttempts: 2 },
  );
  stops.push(() => manager.dispose());
  const id = await manager.submit(
    request,
    { kind: 'script' },
    { root: rootUri(tempDir()), folder: 'out', nameTemplate: 'z', baseName: 'z' },
  );
  const job = store.get(id)!;
  assert.equal(job.status, 'failed');
  assert.equal(job.error!.retryable, true);
  assert.ok(job.error!.message.includes(`POST ${url}/jobs`), job.error!.message);
  assert.match(job.error!.message, /connection refused.*Nothing reached the provider, so retrying is safe\./);
  assert.doesNotMatch(job.error!.message, /\?\./, 'no "?." where two sentences meet');
});

test('error backoff stays within the longest poll interval: two 429s and three 500s delay a short job by seconds, not a minute', async () => {
  const faults: Answer[] = [
    json({ message: 'slow down' }, 429, { 'retry-after': '1' }),
    json({ message: 'slow down' }, 429, { 'retry-after': '1' }),
    json({ message: 'internal' }, 500),
    json({ message: 'internal' }, 500),
    json({ message: 'internal' }, 500),
  ];
  const maxIntervalMs = 1200;
  const { server, submit, settled } = await run(
    (method) => (method === 'POST' ? json({ id: 'r6' }) : (faults.shift() ?? json({ status: 'done' }))),
    {
      pollPolicy: () => ({ ...fastPolls(), maxIntervalMs, jitter: 0.1 }),
    },
  );
  const job = await settled(await submit(), 30_000);
  assert.equal(job.status, 'succeeded', job.error?.message);
  const times = server.polls().map((poll) => poll.at);
  const gaps = times.slice(1).map((at, index) => at - times[index]!);
  assert.equal(gaps.length, 5);
  // Retry-After (1 s) is honoured; nothing waits beyond the bound (plus scheduling slack). Uncapped, the
  // third to fifth gaps were 8, 16 and 32 s.
  for (const gap of gaps) assert.ok(gap <= maxIntervalMs + 250, `gaps ${gaps.join(', ')} ms`);
  assert.ok(gaps[0]! >= 950 && gaps[1]! >= 950, `Retry-After honoured: ${gaps.join(', ')} ms`);
});
