// A fal-shaped queue on loopback, for the real @fal-ai/client: POST /{owner}/{app} enqueues, GET
// …/requests/{id}/status polls (202 until COMPLETED), GET …/status/stream is the same as server-sent
// events, GET …/requests/{id} gives the result, PUT …/cancel. `Authorization: Key …`. Driven by the
// bench's timing model, so its jobs, limits and latency are those of the provider it stands in for.
import type { ServerResponse } from 'node:http';
import { FakeProviderServer, idInPath, type FakeJob, type RecordedRequest, type Route } from '../fixtures/providers/fakeServer';
import type { BenchTimeline } from './timelines';

export const FAL_APP = 'bench/image-model';
/** Seconds between status events on an open stream when nothing changes (real time). */
const STREAM_HEARTBEAT_MS = 5000;

export class FalServer extends FakeProviderServer {
  constructor(
    private readonly model: BenchTimeline,
    private readonly timeScale: number,
  ) {
    super({ timing: model });
  }

  protected isAuthorized(request: RecordedRequest): boolean {
    return request.headers.authorization === `Key ${this.apiKey}`;
  }

  /** …/requests/{id}/status, and its stream. */
  protected override statusJobOf(request: RecordedRequest): string | undefined {
    if (request.method !== 'GET') return undefined;
    return idInPath(/\/requests\/([^/?]+)\/status(?:\/stream)?(?:\?.*)?$/, request.path);
  }

  protected unauthorized(res: ServerResponse): void {
    this.json(res, 401, { detail: 'Invalid key' });
  }

  private base(): string {
    return `${this.url}/${FAL_APP}/requests`;
  }

  private status(job: FakeJob): { code: number; body: Record<string, unknown> } {
    const { phase, queueRank } = this.timeline(job);
    const urls = { response_url: `${this.base()}/${job.id}`, status_url: `${this.base()}/${job.id}/status` };
    if (phase === 'queued') return { code: 202, body: { status: 'IN_QUEUE', queue_position: queueRank, request_id: job.id, ...urls } };
    if (phase === 'running') return { code: 202, body: { status: 'IN_PROGRESS', logs: [], request_id: job.id, ...urls } };
    return { code: 200, body: { status: 'COMPLETED', logs: [], metrics: {}, request_id: job.id, ...urls } };
  }

  /** Sends the status at once, on every change of it and as a heartbeat, and closes after COMPLETED. */
  private stream(job: FakeJob, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let last = '';
    let timer: NodeJS.Timeout | undefined;
    const send = () => {
      const { body } = this.status(job);
      const text = JSON.stringify(body);
      if (text !== last || !timer) res.write(`data: ${text}\n\n`);
      last = text;
      if (body.status === 'COMPLETED') return res.end();
      // wake at the next change the timeline can make, or for a heartbeat
      const plan = this.model.plan(job)!;
      const now = Date.now();
      const next = [plan.startAt, plan.endAt].find((at) => at > now) ?? now;
      timer = setTimeout(send, Math.max(1, Math.min(next - now + 1, STREAM_HEARTBEAT_MS * this.timeScale)));
    };
    res.once('close', () => clearTimeout(timer));
    send();
  }

  protected routes(): Route[] {
    const app = FAL_APP.replace('/', '\\/');
    const job = (match: RegExpExecArray, res: ServerResponse): FakeJob | undefined => {
      const found = this.jobs.get(decodeURIComponent(match[1]!));
      if (!found) this.json(res, 404, { detail: 'Request not found' });
      return found;
    };
    return [
      {
        method: 'POST',
        pattern: new RegExp(`^\\/${app}\\/?$`),
        handle: (request, _match, res) => {
          const input = this.parseBody(request);
          if (typeof input.prompt !== 'string') return this.json(res, 422, { detail: 'prompt is required' });
          const created = this.createJob({ prompt: input.prompt });
          this.json(res, 200, { request_id: created.id, queue_position: this.timeline(created).queueRank, ...this.status(created).body });
        },
      },
      {
        method: 'GET',
        pattern: new RegExp(`^\\/${app}\\/requests\\/([^/?]+)\\/status\\/stream(?:\\?.*)?$`),
        handle: (_request, match, res) => {
          const found = job(match, res);
          if (!found) return;
          this.stream(found, res);
        },
      },
      {
        method: 'GET',
        pattern: new RegExp(`^\\/${app}\\/requests\\/([^/?]+)\\/status(?:\\?.*)?$`),
        handle: (_request, match, res) => {
          const found = job(match, res);
          if (!found) return;
          const { code, body } = this.status(found);
          this.json(res, code, body);
        },
      },
      {
        method: 'GET',
        pattern: new RegExp(`^\\/${app}\\/requests\\/([^/?]+)$`),
        handle: (_request, match, res) => {
          const found = job(match, res);
          if (!found) return;
          if (this.timeline(found).phase !== 'succeeded') return this.json(res, 400, { detail: 'Request is still in progress' });
          this.json(res, 200, { images: [{ url: this.fileUrl(found, 0), width: found.width, height: found.height }], seed: found.seed });
        },
      },
      {
        method: 'PUT',
        pattern: new RegExp(`^\\/${app}\\/requests\\/([^/?]+)\\/cancel$`),
        handle: (_request, match, res) => {
          const found = job(match, res);
          if (!found) return;
          if (this.timeline(found).phase === 'queued') found.cancelledAt = Date.now();
          this.json(res, 202, { status: found.cancelledAt ? 'CANCELLATION_REQUESTED' : 'ALREADY_COMPLETED' });
        },
      },
    ];
  }
}
