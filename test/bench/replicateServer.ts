// A Replicate-shaped API on loopback, for the real `replicate` client: POST
// /v1/models/{owner}/{name}/predictions creates a prediction (201); with `Prefer: wait` (or wait=N) the
// answer is held until the prediction ends or the wait (60 s by default) runs out, as Replicate's sync
// mode does; GET /v1/predictions/{id} reads it. Statuses starting → processing → succeeded. Bearer auth.
// Driven by the bench's timing model, so its jobs, limits and latency are those of the provider it
// stands in for.
import type { ServerResponse } from 'node:http';
import { FakeProviderServer, idInPath, type FakeJob, type RecordedRequest, type Route } from '../fixtures/providers/fakeServer';
import type { BenchTimeline } from './timelines';

export const REPLICATE_MODEL = 'bench/image-model';
/** Replicate holds a `Prefer: wait` request at most this long (real seconds). */
const MAX_WAIT_S = 60;

/** A held create: `Prefer: wait` or `wait=N`. */
export function prefersWait(request: RecordedRequest): boolean {
  return /^wait\b/.test(String(request.headers.prefer ?? ''));
}

export class ReplicateServer extends FakeProviderServer {
  constructor(
    private readonly model: BenchTimeline,
    private readonly timeScale: number,
  ) {
    super({ timing: model });
  }

  protected isAuthorized(request: RecordedRequest): boolean {
    return request.headers.authorization === `Bearer ${this.apiKey}`;
  }

  /** GET /v1/predictions/{id}: wait()'s poll. */
  protected override statusJobOf(request: RecordedRequest): string | undefined {
    return request.method === 'GET' ? idInPath(/^\/v1\/predictions\/([^/?]+)$/, request.path) : undefined;
  }

  protected unauthorized(res: ServerResponse): void {
    this.json(res, 401, { title: 'Unauthenticated', detail: 'You did not pass a valid authentication token', status: 401 });
  }

  private prediction(job: FakeJob): Record<string, unknown> {
    const { phase } = this.timeline(job);
    const status = phase === 'queued' ? 'starting' : phase === 'running' ? 'processing' : 'succeeded';
    return {
      id: job.id,
      model: REPLICATE_MODEL,
      input: { prompt: job.prompt },
      status,
      output: status === 'succeeded' ? [this.fileUrl(job, 0)] : null,
      error: null,
      logs: '',
      created_at: new Date(job.createdAt).toISOString(),
      urls: { get: `${this.url}/v1/predictions/${job.id}`, cancel: `${this.url}/v1/predictions/${job.id}/cancel` },
    };
  }

  protected routes(): Route[] {
    return [
      {
        method: 'POST',
        pattern: new RegExp(`^/v1/models/${REPLICATE_MODEL}/predictions$`),
        handle: async (request, _match, res) => {
          const input = this.parseBody(request).input as { prompt?: unknown } | undefined;
          if (typeof input?.prompt !== 'string') return this.json(res, 422, { detail: 'input.prompt is required', status: 422 });
          const job = this.createJob({ prompt: input.prompt });
          if (prefersWait(request)) {
            const asked = Number(/wait=(\d+)/.exec(String(request.headers.prefer))?.[1] ?? MAX_WAIT_S);
            const until = job.createdAt + Math.min(asked, MAX_WAIT_S) * 1000 * this.timeScale;
            const endAt = this.model.plan(job)!.endAt;
            await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(until, endAt) - Date.now())));
          }
          this.json(res, 201, this.prediction(job));
        },
      },
      {
        method: 'GET',
        pattern: /^\/v1\/predictions\/([^/?]+)$/,
        handle: (_request, match, res) => {
          const job = this.jobs.get(decodeURIComponent(match[1]!));
          if (!job) return this.json(res, 404, { detail: 'Not found', status: 404 });
          this.json(res, 200, this.prediction(job));
        },
      },
    ];
  }
}
