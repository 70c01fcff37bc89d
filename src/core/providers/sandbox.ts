// Client for the built-in Sandbox job server: the same HTTP + zod path as every remote provider.
import { z } from 'zod';
import type { GenerationRequest, SourceImage } from '../jobModel';
import { readSourceImage } from '../results/sourceImage';
import { ProviderError } from '../errors';
import { SANDBOX_UPSCALE_FACTOR } from '../sandbox/upscaler';
import { providerHttp } from './providerHttp';
import type { BatchPollResult, ImageProvider, ProviderContext, RemoteJobState, SubmitResult } from './types';

const sandboxJobSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']),
  queue_position: z.number().int().positive().optional(),
  progress: z.number().min(0).max(1).optional(),
  eta_ms: z.number().nonnegative().optional(),
  outputs: z
    .array(
      z.object({
        url: z.string().url(),
        mime_type: z.string().optional(),
        seed: z.number().int().optional(),
        width: z.number().int().positive().optional(),
        height: z.number().int().positive().optional(),
      }),
    )
    .optional(),
  error: z.string().optional(),
});

type SandboxJob = z.infer<typeof sandboxJobSchema>;

/** POST /v1/jobs/status: the jobs asked for that the server knows. */
const sandboxStatusesSchema = z.object({ jobs: z.array(sandboxJobSchema) });
/** Ids per status request: well inside the server's 64 KB body limit. */
const STATUS_BATCH = 500;

export function normalizeSandboxJob(job: SandboxJob): RemoteJobState {
  switch (job.status) {
    case 'queued':
      return { status: 'queued', queuePosition: job.queue_position, etaMs: job.eta_ms };
    case 'running':
      return { status: 'running', progress: job.progress, etaMs: job.eta_ms };
    case 'completed':
      return {
        status: 'succeeded',
        outputs: (job.outputs ?? []).map((output) => ({
          kind: 'url' as const,
          url: output.url,
          mimeType: output.mime_type,
          seed: output.seed,
          width: output.width,
          height: output.height,
        })),
      };
    case 'failed':
      return { status: 'failed', reason: job.error ?? 'the Sandbox reported a failure' };
    case 'cancelled':
      return { status: 'cancelled' };
  }
}

/** POST /v1/upscale: the Sandbox is sent the PNG itself, checked to be the file the user picked. */
async function submitUpscale(source: SourceImage | undefined, idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
  if (!source) throw new ProviderError('badRequest', 'The Sandbox upscales an image file: pick one in the gallery.');
  const png = await readSourceImage(source, context.readSourceImage);
  const response = await providerHttp(context).post(
    '/v1/upscale',
    { request_id: idempotencyKey, image: Buffer.from(png).toString('base64'), scale: SANDBOX_UPSCALE_FACTOR },
    sandboxJobSchema,
    'Submitting the upscale to the Sandbox',
  );
  return { remoteId: response.data.id, state: normalizeSandboxJob(response.data) };
}

async function getJob(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
  const response = await providerHttp(context).get(
    `/v1/jobs/${encodeURIComponent(remoteId)}`,
    sandboxJobSchema,
    'Checking the Sandbox job',
  );
  return normalizeSandboxJob(response.data);
}

export const sandboxProvider: ImageProvider = {
  id: 'sandbox',
  idempotentSubmit: true,
  // each answer names the outputs at the server's address now: a window that started it anew gives new links
  renewsResultUrls: true,

  async submit(request: GenerationRequest, idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    if (request.operation?.kind === 'upscale') return submitUpscale(request.operation.source, idempotencyKey, context);
    const { params } = request;
    const response = await providerHttp(context).post(
      '/v1/jobs',
      {
        request_id: idempotencyKey,
        model: request.model,
        prompt: request.prompt,
        negative_prompt: params.negativePrompt,
        width: params.width,
        height: params.height,
        steps: params.steps,
        // the Sandbox stands in for any provider: its request carries every setting, so none is
        // dropped unsaid, and each changes the picture (sandbox/renderer.ts)
        cfg_scale: params.cfgScale,
        sampler: params.sampler,
        seed: params.seed,
        count: params.count,
      },
      sandboxJobSchema,
      'Submitting to the Sandbox',
    );
    return { remoteId: response.data.id, state: normalizeSandboxJob(response.data) };
  },

  poll: getJob,

  /**
   * The states of many jobs in one POST /v1/jobs/status (a few hundred ids a request): the answer
   * holds the jobs asked for that the server knows, each in full (a finished one with its outputs);
   * one it leaves out is asked for by itself.
   */
  async pollMany(remoteIds: readonly string[], context: ProviderContext): Promise<Map<string, BatchPollResult>> {
    const results = new Map<string, BatchPollResult>();
    for (let start = 0; start < remoteIds.length; start += STATUS_BATCH) {
      const ids = remoteIds.slice(start, start + STATUS_BATCH);
      const response = await providerHttp(context).post('/v1/jobs/status', { ids }, sandboxStatusesSchema, 'Checking Sandbox jobs');
      for (const job of response.data.jobs) results.set(job.id, { state: normalizeSandboxJob(job) });
    }
    return results;
  },
  pollManyAsks: true,

  async cancel(remoteId: string, context: ProviderContext): Promise<void> {
    await providerHttp(context).delete(`/v1/jobs/${encodeURIComponent(remoteId)}`, sandboxJobSchema, 'Cancelling the Sandbox job');
  },
};
