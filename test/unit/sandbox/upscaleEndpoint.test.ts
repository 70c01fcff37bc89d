// The Sandbox's POST /v1/upscale over real HTTP: a job like the others, whose output is the PNG it was
// sent, enlarged; kept across a restart like any job; bad input refused with a plain 400.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { SandboxServer } from '../../../src/core/sandbox/server';
import { renderSandboxImage } from '../../../src/core/sandbox/renderer';
import { upscalePng } from '../../../src/core/sandbox/upscaler';
import { tempDir } from '../helpers';

const servers: SandboxServer[] = [];
after(() => Promise.all(servers.map((server) => server.stop())));

async function start(stateFile?: string, now?: () => number): Promise<string> {
  const server = new SandboxServer({ jobDurationMs: () => 100, stateFile, now });
  servers.push(server);
  return server.start();
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const json =
          res.headers['content-type'] === 'application/json' ? (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>) : {};
        resolve({ status: res.statusCode ?? 0, json, bytes });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const source = renderSandboxImage({ prompt: 'cliffs', seed: 4, width: 64, height: 48 });

test('POST /v1/upscale: queued or running, then one output, the source enlarged ×2', async () => {
  let clock = 1_000;
  const base = await start(undefined, () => clock);
  const submitted = await call(base, 'POST', '/v1/upscale', { request_id: 'r-1', image: source.toString('base64'), scale: 2 });
  assert.equal(submitted.status, 202);
  assert.equal(submitted.json.status, 'running');
  const again = await call(base, 'POST', '/v1/upscale', { request_id: 'r-1', image: source.toString('base64') });
  assert.equal(again.json.id, submitted.json.id, 'the same request id is the same job');
  clock += 100;
  const done = await call(base, 'GET', `/v1/jobs/${String(submitted.json.id)}`);
  assert.equal(done.json.status, 'completed');
  const outputs = done.json.outputs as { url: string; width: number; height: number; seed?: number }[];
  assert.equal(outputs.length, 1);
  assert.deepEqual([outputs[0]!.width, outputs[0]!.height, outputs[0]!.seed], [128, 96, undefined]);
  const png = await call(base, 'GET', new URL(outputs[0]!.url).pathname);
  assert.ok(png.bytes.equals(upscalePng(source)));
});

test('POST /v1/upscale refuses what it cannot upscale, saying why', async () => {
  const base = await start();
  const cases: [unknown, RegExp][] = [
    [{}, /image \(a base64 PNG\) is required/],
    [{ image: Buffer.from('GIF89a').toString('base64') }, /not a PNG the Sandbox can read/],
    [{ image: source.toString('base64'), scale: 3 }, /scale must be an integer from 2 to 2/],
    [{ image: renderSandboxImage({ prompt: 'x', seed: 1, width: 2049, height: 64 }).toString('base64') }, /exceed 4096 pixels a side/],
  ];
  for (const [body, message] of cases) {
    const answer = await call(base, 'POST', '/v1/upscale', body);
    assert.equal(answer.status, 400, JSON.stringify(answer.json));
    assert.match((answer.json.error as { message: string }).message, message);
  }
});

test('an upscale survives a restart: its source is kept beside the state file', async () => {
  const dir = tempDir();
  const stateFile = join(dir, 'sandbox-jobs.json');
  let clock = 5_000;
  const first = await start(stateFile, () => clock);
  const { json } = await call(first, 'POST', '/v1/upscale', { image: source.toString('base64') });
  assert.ok(existsSync(join(dir, 'sandbox-sources', `${String(json.id)}.png`)));
  await servers.pop()!.stop();
  clock += 500;
  const second = await start(stateFile, () => clock);
  const done = await call(second, 'GET', `/v1/jobs/${String(json.id)}`);
  assert.equal(done.json.status, 'completed');
  const png = await call(second, 'GET', new URL((done.json.outputs as { url: string }[])[0]!.url).pathname);
  assert.ok(png.bytes.equals(upscalePng(source)));
});
