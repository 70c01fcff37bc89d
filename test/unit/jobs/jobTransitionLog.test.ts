// Every state change, failure, cancel and retry of a job reaches the log with the job id: what
// "Show Log" on a failure toast must be able to show.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobManager, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { HttpClient } from '../../../src/core/http';
import { SandboxServer } from '../../../src/core/sandbox/server';
import { sandboxProvider } from '../../../src/core/providers/sandbox';
import type { GenerationRequest, OutputTarget } from '../../../src/core/jobModel';
import { REDACTED, redactSecrets } from '../../../src/core/redact';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, rootUri, tempDir, waitFor } from '../helpers';

const http = new HttpClient();
const cleanups: (() => unknown)[] = [];
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

function setup(durationMs: number, baseUrl?: string) {
  const server = new SandboxServer({ jobDurationMs: () => durationMs });
  const store = new JobStore(memoryPersistence());
  const access: ProviderAccess = async () => ({ provider: sandboxProvider, context: { http, baseUrl: baseUrl ?? (await server.start()) } });
  const log = collectingLogger();
  const manager = new JobManager(store, access, fileSink, log, { pollPolicy: fastPolls, maxSubmitAttempts: 1 });
  cleanups.push(
    () => manager.dispose(),
    () => server.stop(),
  );
  return { store, manager, log };
}

const request: GenerationRequest = {
  providerId: 'sandbox',
  model: 'landscape',
  prompt: 'a lighthouse',
  params: { width: 64, height: 64, seed: 3 },
};

function output(dir = tempDir()): OutputTarget {
  return { root: rootUri(dir), folder: 'out', nameTemplate: '{{name}}-{{seed}}', baseName: 'lighthouse' };
}

/** The log lines about one job, without the level. */
function linesOf(log: { lines: string[] }, id: string): string[] {
  return log.lines.filter((line) => line.includes(id));
}

test('a successful job logs each state it goes through, with its id, the files last', async () => {
  const { store, manager, log } = setup(150);
  const id = await manager.submit(request, { kind: 'input' }, output());
  await waitFor(() => store.get(id)?.status === 'succeeded', 5000, 'success');
  const lines = linesOf(log, id);
  assert.match(lines[0]!, /^info \[jobs\] .* recorded: sandbox\/landscape/);
  assert.match(lines[1]!, /^info \[jobs\] .* submitted as sandbox job /);
  assert.ok(
    lines.some((line) => line.endsWith(`${id} submitting → running`)),
    lines.join('\n'),
  );
  assert.ok(lines.some((line) => line.includes(`${id} running → downloading: the provider has the result`)));
  assert.equal(lines.at(-1), `info [jobs] ${id} downloading → succeeded: out/lighthouse-3.png`);
});

test("a provider's failure is an error line with its reason", async () => {
  const { store, manager, log } = setup(20);
  const id = await manager.submit({ ...request, model: 'broken' }, { kind: 'input' }, output());
  await waitFor(() => store.get(id)?.status === 'failed', 5000, 'failure');
  const failure = log.lines.find((line) => line.startsWith('error') && line.includes(id));
  assert.match(failure!, /→ failed \(provider\): the Sandbox model "broken" always fails/);
});

test('a cancel and a removal are logged', async () => {
  const { manager, log } = setup(5000);
  const id = await manager.submit(request, { kind: 'input' }, output());
  await manager.cancel(id);
  assert.ok(
    log.lines.some((line) => /→ cancelled$/.test(line) && line.includes(id)),
    log.lines.join('\n'),
  );
  await manager.remove(id);
  assert.equal(log.lines.at(-1), `info [jobs] ${id} removed from the list`);
});

test('a retry that resumes the same job is logged as such', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'out'), 'a file where the output folder should be');
  const { store, manager, log } = setup(20);
  const id = await manager.submit(request, { kind: 'input' }, output(dir));
  await waitFor(() => store.get(id)?.status === 'failed', 5000, 'save failure');
  assert.ok(log.lines.some((line) => line.startsWith('error') && line.includes(`${id} downloading → failed (save): Could not save`)));
  rmSync(join(dir, 'out'));
  await manager.retry(id);
  await waitFor(() => store.get(id)?.status === 'succeeded', 5000, 'success after retry');
  assert.ok(
    log.lines.some((line) => line.includes(`${id} failed → running: retried, polling the provider's job ${store.get(id)!.remoteId}`)),
  );
});

test("a refused submission logs the provider's message and its request id", async () => {
  const provider = createServer((_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req-7f3a' }).end('{"message":"invalid token"}');
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => provider.close(resolve)));
  const { store, manager, log } = setup(20, `http://127.0.0.1:${(provider.address() as AddressInfo).port}`);
  const id = await manager.submit(request, { kind: 'input' }, output());
  const job = store.get(id)!;
  assert.equal(job.status, 'failed');
  assert.equal(job.error?.kind, 'auth');
  assert.equal(job.error?.requestId, 'req-7f3a');
  assert.equal(log.lines.at(-1), `error [jobs] ${id} submitting → failed (submit, auth): ${job.error!.message} (request id req-7f3a)`);
  assert.match(job.error!.message, /invalid token/);
});

test("a sweep cell's lines name the cell by its values, as its row does, and still pass through redaction", async () => {
  const { store, manager, log } = setup(20);
  const cell = { keys: ['seed', 'place'], position: [0, 0], shape: [1, 2] };
  const secret = 'sk-cellvalue12345';
  const { ids, sent } = await manager.submitBatch(
    [
      { request, output: output(), cell: { ...cell, values: [3, 'a valley'] } },
      { request, output: output(), cell: { ...cell, values: [3, secret], position: [0, 1] } },
    ],
    { kind: 'input' },
  );
  await sent;
  await waitFor(() => ids.every((id) => store.get(id)?.status === 'succeeded'), 5000, 'the batch');
  const [valley, hidden] = ids.map((id) => linesOf(log, id));
  assert.match(valley![0]!, new RegExp(`^info \\[jobs\\] ${ids[0]} \\(seed 3 · place a valley\\) recorded: sandbox/landscape`));
  assert.match(valley![1]!, new RegExp(`^info \\[jobs\\] ${ids[0]} \\(seed 3 · place a valley\\) submitted as sandbox job `));
  assert.match(valley!.at(-1)!, new RegExp(`^info \\[jobs\\] ${ids[0]} \\(seed 3 · place a valley\\) downloading → succeeded: `));
  // the extension's log redacts every line (services/log.ts); a cell's value is no exception
  assert.ok(hidden!.length > 2);
  for (const line of hidden!) assert.ok(redactSecrets(line, []).includes(`${ids[1]} (seed 3 · place ${REDACTED})`), line);
});

test("a sweep's cells are logged as recorded when the batch is, and one cancelled while it waits its turn says so, removed by its cell", async () => {
  const { store, manager, log } = setup(400);
  const cell = { keys: ['seed'], position: [0], shape: [2] };
  const { ids, sent } = await manager.submitBatch(
    [
      { request, output: output(), cell: { ...cell, values: [1] } },
      { request, output: output(), cell: { ...cell, values: [2], position: [1] } },
    ],
    { kind: 'input' },
  );
  // recorded at once, the second before its turn to be sent comes
  assert.match(linesOf(log, ids[1]!)[0] ?? '', new RegExp(`^info \\[jobs\\] ${ids[1]} \\(seed 2\\) recorded: sandbox/landscape`));
  await manager.cancel(ids[1]!);
  await manager.remove(ids[1]!);
  await sent;
  const waiting = linesOf(log, ids[1]!);
  assert.ok(
    waiting.some((line) => line === `info [jobs] ${ids[1]} (seed 2) waiting to send → cancelled`),
    waiting.join('\n'),
  );
  assert.ok(waiting.includes(`info [jobs] ${ids[1]} (seed 2) removed from the list`), waiting.join('\n'));
  await waitFor(() => store.get(ids[0]!)?.status === 'succeeded', 5000, 'the first cell');
});
