// The Sandbox provider's job server: a real HTTP server on loopback, started inside the extension host
// on demand. Job state is a function of the submission time (schedule.ts: a few render slots, a queue
// only when they are all busy), and submissions and cancels are appended to a file when one is given,
// so jobs survive a window reload the way they survive on a real provider. POST /v1/jobs/status
// answers for many jobs at once (ids in, their states out). It runs in the extension host, so what a
// request costs here is the extension's cost: no answer walks every job more than once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SANDBOX_MODELS } from '../providers/catalog';
import { renderSandboxImage, type RenderSpec } from './renderer';
import { decodePngRgb } from '../results/pngPixels';
import { MAX_UPSCALED_SIDE, SANDBOX_UPSCALE_FACTOR, upscalePng } from './upscaler';
import { scheduleJobs, type JobSlot } from './schedule';
import { describeError } from '../errors';

/** Jobs rendering at once by default; more wait in the queue. */
const DEFAULT_CONCURRENCY = 4;
/** The newest jobs kept across restarts; the state file is rewritten at start once it has twice as many lines. */
const MAX_REMEMBERED_JOBS = 10_000;
const MAX_BODY = 64 * 1024;
/** An upscale carries its source PNG in base64: room for a 16 MB image. */
const MAX_UPSCALE_BODY = 24 * 1024 * 1024;

interface SandboxJob {
  readonly id: string;
  readonly requestId?: string;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly model: string;
  readonly prompt: string;
  readonly width: number;
  readonly height: number;
  readonly seeds: readonly number[];
  /** An upscale of the PNG it was sent (kept beside the state file), not a render. */
  readonly upscale?: { readonly factor: number };
  /** The settings the picture depends on besides prompt, seed and size (renderer.ts). */
  readonly look?: Pick<RenderSpec, 'negativePrompt' | 'cfgScale' | 'steps' | 'sampler'>;
  cancelledAt?: number;
}

type SandboxStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A line of the state file: a submission, or a cancel. */
type StateLine = { readonly job: SandboxJob } | { readonly cancel: string; readonly at: number };

export interface SandboxServerOptions {
  /** Time a job takes to render, once a slot is free. */
  readonly jobDurationMs: () => number;
  /** Jobs rendering at once (default 4); later ones are queued until a slot frees up. */
  readonly concurrency?: number;
  /** Where submissions are remembered across restarts; in memory only when omitted. */
  readonly stateFile?: string;
  readonly now?: () => number;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function integerIn(value: unknown, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RequestError(400, `${name} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function numberIn(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RequestError(400, `${name} must be a number from ${min} to ${max}`);
  }
  return value;
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new RequestError(400, `${name} must be a string`);
  return value || undefined;
}

export class SandboxServer {
  private server: Server | undefined;
  private starting: Promise<string> | undefined;
  private readonly jobs = new Map<string, SandboxJob>();
  private readonly byRequestId = new Map<string, SandboxJob>();
  /** Every job's slot, worked out again only when a job is submitted or cancelled (not on every poll). */
  private schedule: Map<string, JobSlot> | undefined;
  private readonly now: () => number;
  private readonly imageCache = new Map<string, Buffer>();
  /** Source PNGs of upscale jobs, by job id (also on disk when there is a state file). */
  private readonly sources = new Map<string, Buffer>();

  constructor(private readonly options: SandboxServerOptions) {
    this.now = options.now ?? Date.now;
    this.load();
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('sandbox server is not running');
    return `http://127.0.0.1:${address.port}`;
  }

  get isRunning(): boolean {
    return this.server?.listening === true;
  }

  /** Starts listening, once however many callers ask at the same time. */
  start(): Promise<string> {
    if (this.isRunning) return Promise.resolve(this.url);
    this.starting ??= this.listen().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async listen(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.url;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Reads the state file: lines, or one JSON array as versions before the lines wrote it. */
  private load(): void {
    const file = this.options.stateFile;
    if (!file) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return; // first start: empty, like a fresh server
    }
    const legacy = text.trimStart().startsWith('[');
    const lines: StateLine[] = legacy ? (JSON.parse(text) as SandboxJob[]).map((job) => ({ job })) : parseLines(text);
    for (const line of lines) {
      if ('job' in line) this.remember(line.job);
      else {
        const job = this.jobs.get(line.cancel);
        if (job) job.cancelledAt = line.at;
      }
    }
    for (const id of [...this.jobs.keys()].slice(0, Math.max(0, this.jobs.size - MAX_REMEMBERED_JOBS))) this.forget(id);
    if (legacy || lines.length > 2 * this.jobs.size) {
      const temporary = `${file}.tmp`;
      writeFileSync(temporary, [...this.jobs.values()].map((job) => `${JSON.stringify({ job })}\n`).join(''));
      renameSync(temporary, file);
    }
  }

  private sourceFile(id: string): string | undefined {
    return this.options.stateFile ? join(dirname(this.options.stateFile), 'sandbox-sources', `${id}.png`) : undefined;
  }

  private keepSource(id: string, png: Buffer): void {
    this.sources.set(id, png);
    const file = this.sourceFile(id);
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, png);
  }

  private source(id: string): Buffer {
    let png = this.sources.get(id);
    if (!png) {
      const file = this.sourceFile(id);
      try {
        png = file ? readFileSync(file) : undefined;
      } catch {
        png = undefined;
      }
      if (!png) throw new RequestError(410, 'the source image of this upscale is no longer kept');
      this.sources.set(id, png);
    }
    return png;
  }

  private dropSource(id: string): void {
    this.sources.delete(id);
    const file = this.sourceFile(id);
    if (file) rmSync(file, { force: true });
  }

  private append(line: StateLine): void {
    if (!this.options.stateFile) return;
    mkdirSync(dirname(this.options.stateFile), { recursive: true });
    appendFileSync(this.options.stateFile, `${JSON.stringify(line)}\n`);
  }

  /** A job no longer remembered: its source PNG goes too, so the folder does not grow without bound. */
  private forget(id: string): void {
    const job = this.jobs.get(id);
    this.jobs.delete(id);
    if (job?.requestId) this.byRequestId.delete(job.requestId);
    if (job?.upscale) this.dropSource(id);
    this.schedule = undefined;
  }

  private remember(job: SandboxJob): void {
    this.jobs.set(job.id, job);
    if (job.requestId) this.byRequestId.set(job.requestId, job);
    this.schedule = undefined;
  }

  /** Every job's slot, from submission and cancel times (jobs are kept in submission order). */
  private slots(): Map<string, JobSlot> {
    return (this.schedule ??= scheduleJobs(this.jobs.values(), this.options.concurrency ?? DEFAULT_CONCURRENCY));
  }

  private status(job: SandboxJob, at: number, slot = this.slots().get(job.id)!): { status: SandboxStatus; progress: number } {
    if (job.cancelledAt !== undefined && job.cancelledAt < slot.endAt) return { status: 'cancelled', progress: 0 };
    if (at < slot.startAt) return { status: 'queued', progress: 0 };
    if (at < slot.endAt) return { status: 'running', progress: (at - slot.startAt) / (slot.endAt - slot.startAt) };
    return { status: job.model === 'broken' ? 'failed' : 'completed', progress: 1 };
  }

  /** The job as the API shows it; `queuePosition` when the caller counted it already (many at once). */
  private view(job: SandboxJob, queuePosition?: number): Record<string, unknown> {
    const at = this.now();
    const slots = this.slots();
    const slot = slots.get(job.id)!;
    const { status, progress } = this.status(job, at, slot);
    const body: Record<string, unknown> = { id: job.id, status, model: job.model, created_at: job.createdAt };
    if (status === 'queued') {
      body.queue_position = queuePosition ?? this.queuePosition(job, at, slots);
      body.eta_ms = Math.max(0, slot.endAt - at);
    }
    if (status === 'running') {
      body.progress = Math.round(progress * 100) / 100;
      body.eta_ms = Math.max(0, slot.endAt - at);
    }
    if (status === 'completed' && job.upscale) {
      // an upscale has no seed: it enlarges the image it was sent
      body.outputs = [{ url: `${this.url}/v1/jobs/${job.id}/outputs/0.png`, mime_type: 'image/png', width: job.width, height: job.height }];
    } else if (status === 'completed') {
      body.outputs = job.seeds.map((seed, index) => ({
        url: `${this.url}/v1/jobs/${job.id}/outputs/${index}.png`,
        mime_type: 'image/png',
        seed,
        width: job.width,
        height: job.height,
      }));
    }
    if (status === 'failed') body.error = `the Sandbox model "broken" always fails: use it to try the failure flow`;
    return body;
  }

  /** Slots go in submission order (the order jobs are kept in): the queued jobs before this one start first. */
  private queuePosition(job: SandboxJob, at: number, slots: Map<string, JobSlot>): number {
    let ahead = 0;
    for (const other of this.jobs.values()) {
      if (other === job) break;
      if (this.status(other, at, slots.get(other.id)).status === 'queued') ahead++;
    }
    return ahead + 1;
  }

  /**
   * POST /v1/jobs/status `{ ids }`: the jobs it knows of those asked for, in the order asked (an unknown
   * id is left out); queue positions are counted in one pass over the queue.
   */
  private statuses(body: Record<string, unknown>, res: ServerResponse): void {
    const ids = body.ids;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new RequestError(400, 'ids must be an array of job ids');
    const at = this.now();
    const slots = this.slots();
    const positions = new Map<string, number>();
    for (const job of this.jobs.values())
      if (this.status(job, at, slots.get(job.id)).status === 'queued') positions.set(job.id, positions.size + 1);
    const jobs = ids.flatMap((id: string) => {
      const job = this.jobs.get(id);
      return job ? [this.view(job, positions.get(id))] : [];
    });
    send(res, 200, { jobs });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'http://sandbox');
      const parts = url.pathname.split('/').filter(Boolean);
      if (url.pathname === '/v1/upscale' && req.method === 'POST') return this.submitUpscale(await readJson(req, MAX_UPSCALE_BODY), res);
      if (parts[0] !== 'v1' || parts[1] !== 'jobs') throw new RequestError(404, `no route ${req.method} ${url.pathname}`);
      if (parts.length === 2 && req.method === 'POST') return this.submit(await readJson(req), res);
      if (parts.length === 3 && parts[2] === 'status' && req.method === 'POST') return this.statuses(await readJson(req), res);
      const job = parts[2] ? this.jobs.get(parts[2]) : undefined;
      if (!job) throw new RequestError(404, `job ${parts[2] ?? ''} not found`);
      if (parts.length === 3 && req.method === 'GET') return send(res, 200, this.view(job));
      if (parts.length === 3 && req.method === 'DELETE') return this.cancel(job, res);
      if (parts.length === 5 && parts[3] === 'outputs' && req.method === 'GET') return this.output(job, parts[4]!, res);
      throw new RequestError(405, `${req.method} not allowed on ${url.pathname}`);
    } catch (error) {
      const status = error instanceof RequestError ? error.status : 500;
      send(res, status, { error: { message: describeError(error) } });
    }
  }

  private submit(body: Record<string, unknown>, res: ServerResponse): void {
    const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
    const existing = requestId ? this.byRequestId.get(requestId) : undefined;
    if (existing) return send(res, 200, this.view(existing));
    const prompt = typeof body.prompt === 'string' ? body.prompt.trim() : '';
    if (!prompt) throw new RequestError(400, 'prompt is required');
    const model = typeof body.model === 'string' && body.model ? body.model : 'landscape';
    if (!(SANDBOX_MODELS as readonly string[]).includes(model)) {
      throw new RequestError(400, `unknown model "${model}"; the Sandbox has ${SANDBOX_MODELS.join(', ')}`);
    }
    const width = integerIn(body.width, 'width', 64, 2048, 512);
    const height = integerIn(body.height, 'height', 64, 2048, 512);
    const count = integerIn(body.count, 'count', 1, 4, 1);
    const firstSeed = integerIn(body.seed, 'seed', 0, 0xffffffff, Math.floor(Math.random() * 0xffffffff));
    const look = {
      negativePrompt: optionalText(body.negative_prompt, 'negative_prompt'),
      cfgScale: numberIn(body.cfg_scale, 'cfg_scale', 0, 50),
      steps: body.steps === undefined || body.steps === null ? undefined : integerIn(body.steps, 'steps', 1, 200, 0),
      sampler: optionalText(body.sampler, 'sampler'),
    };
    const job: SandboxJob = {
      id: randomUUID(),
      requestId,
      createdAt: this.now(),
      durationMs: Math.max(0, this.options.jobDurationMs()),
      model,
      prompt,
      width,
      height,
      seeds: Array.from({ length: count }, (_, i) => (firstSeed + i) >>> 0),
      look,
    };
    this.remember(job);
    this.append({ job });
    send(res, 202, this.view(job));
  }

  /**
   * POST /v1/upscale {request_id?, image: base64 PNG, scale?: 2}: a job like any other (polled at
   * /v1/jobs/{id}), whose one output is the PNG enlarged `scale` times.
   */
  private submitUpscale(body: Record<string, unknown>, res: ServerResponse): void {
    const requestId = typeof body.request_id === 'string' ? body.request_id : undefined;
    const existing = requestId ? this.byRequestId.get(requestId) : undefined;
    if (existing) return send(res, 200, this.view(existing));
    const factor = integerIn(body.scale, 'scale', SANDBOX_UPSCALE_FACTOR, SANDBOX_UPSCALE_FACTOR, SANDBOX_UPSCALE_FACTOR);
    if (typeof body.image !== 'string' || !body.image) throw new RequestError(400, 'image (a base64 PNG) is required');
    const png = Buffer.from(body.image, 'base64');
    let size: { width: number; height: number };
    try {
      size = decodePngRgb(png);
    } catch (error) {
      throw new RequestError(400, `image is not a PNG the Sandbox can read: ${describeError(error)}`);
    }
    if (size.width * factor > MAX_UPSCALED_SIDE || size.height * factor > MAX_UPSCALED_SIDE) {
      throw new RequestError(
        400,
        `a ${size.width}×${size.height} image upscaled ×${factor} would exceed ${MAX_UPSCALED_SIDE} pixels a side`,
      );
    }
    const job: SandboxJob = {
      id: randomUUID(),
      requestId,
      createdAt: this.now(),
      durationMs: Math.max(0, this.options.jobDurationMs()),
      model: 'landscape',
      prompt: '',
      width: size.width * factor,
      height: size.height * factor,
      seeds: [],
      upscale: { factor },
    };
    this.keepSource(job.id, png);
    this.remember(job);
    this.append({ job });
    send(res, 202, this.view(job));
  }

  private cancel(job: SandboxJob, res: ServerResponse): void {
    const { status } = this.status(job, this.now());
    if (status !== 'queued' && status !== 'running') throw new RequestError(409, `job is already ${status}`);
    job.cancelledAt = this.now();
    this.schedule = undefined;
    this.append({ cancel: job.id, at: job.cancelledAt });
    send(res, 200, this.view(job));
  }

  private output(job: SandboxJob, file: string, res: ServerResponse): void {
    const index = Number(/^(\d+)\.png$/.exec(file)?.[1] ?? NaN);
    if (this.status(job, this.now()).status !== 'completed' || !(index < (job.upscale ? 1 : job.seeds.length))) {
      throw new RequestError(404, 'no such output');
    }
    const key = `${job.id}/${index}`;
    let png = this.imageCache.get(key);
    if (!png) {
      png = job.upscale
        ? upscalePng(this.source(job.id), job.upscale.factor)
        : renderSandboxImage({ prompt: job.prompt, seed: job.seeds[index]!, width: job.width, height: job.height, ...job.look });
      this.imageCache.clear(); // keep one image: results are downloaded once, at once
      this.imageCache.set(key, png);
    }
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
    res.end(png);
  }
}

/** The state file's lines; one cut short by a crash is skipped. */
function parseLines(text: string): StateLine[] {
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as StateLine] : [];
    } catch {
      return [];
    }
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage, maxBytes = MAX_BODY): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new RequestError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new RequestError(400, 'body must be a JSON object');
}
