// Serika Jobs API: POST /jobs/images, GET /jobs/{id}, GET /jobs (many at once). No cancel endpoint,
// no idempotency key: a submit is never repeated automatically.
import { z } from 'zod';
import type { GenerationRequest } from '../jobModel';
import { bearer, endpoint, requireImageOperation } from './common';
import type { ImageProvider, ProviderContext, RemoteJobState, SubmitResult } from './types';

const serikaStatus = z.enum(['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED']);

const serikaJobSchema = z.object({
  id: z.string().min(1),
  status: serikaStatus,
  created_at: z.number().optional(),
  result: z
    .object({ url: z.string().url(), width: z.number().int().optional(), height: z.number().int().optional(), seed: z.number().int().optional() })
    .nullish(),
  error: z.union([z.string(), z.object({ message: z.string() })]).nullish(),
});

const serikaListSchema = z.object({
  jobs: z.array(z.object({ id: z.string(), status: serikaStatus, created_at: z.number().optional(), model: z.string().optional() })),
});

const submitSchema = z.object({ id: z.string().min(1), status: serikaStatus });

export function normalizeSerikaJob(job: z.infer<typeof serikaJobSchema>): RemoteJobState {
  switch (job.status) {
    case 'QUEUED':
      return { status: 'queued' };
    case 'PROCESSING':
      return { status: 'running' };
    case 'FAILED': {
      const reason = typeof job.error === 'string' ? job.error : job.error?.message;
      return { status: 'failed', reason: reason || 'Serika reported the job as FAILED without a reason' };
    }
    case 'COMPLETED':
      if (!job.result) return { status: 'failed', reason: 'Serika reported COMPLETED but sent no result' };
      return { status: 'succeeded', outputs: [{ kind: 'url', url: job.result.url, width: job.result.width, height: job.result.height, seed: job.result.seed }] };
  }
}

async function getJob(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
  const response = await context.http.requestJson(
    { method: 'GET', url: endpoint(context, `/jobs/${encodeURIComponent(remoteId)}`), headers: bearer(context), signal: context.signal },
    serikaJobSchema,
    'Checking the Serika job',
  );
  return normalizeSerikaJob(response.data);
}

export const serikaProvider: ImageProvider = {
  id: 'serika',
  idempotentSubmit: false,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'Serika');
    const { params } = request;
    const response = await context.http.requestJson(
      {
        method: 'POST',
        url: endpoint(context, '/jobs/images'),
        headers: bearer(context),
        signal: context.signal,
        json: {
          model: request.model,
          prompt: request.prompt,
          negative_prompt: params.negativePrompt,
          width: params.width,
          height: params.height,
          steps: params.steps,
          cfg_scale: params.cfgScale,
          sampler: params.sampler,
          seed: params.seed,
        },
      },
      submitSchema,
      'Submitting to Serika',
    );
    return { remoteId: response.data.id, state: normalizeSerikaJob(response.data) };
  },

  poll: getJob,

  /** One GET /jobs for the statuses; finished jobs need their own GET for the result or the error. */
  async pollMany(remoteIds: readonly string[], context: ProviderContext): Promise<Map<string, RemoteJobState>> {
    const response = await context.http.requestJson(
      { method: 'GET', url: endpoint(context, '/jobs'), headers: bearer(context), signal: context.signal },
      serikaListSchema,
      'Listing Serika jobs',
    );
    const listed = new Map(response.data.jobs.map((job) => [job.id, job.status]));
    const states = new Map<string, RemoteJobState>();
    for (const id of remoteIds) {
      const status = listed.get(id);
      if (status === 'QUEUED' || status === 'PROCESSING') states.set(id, normalizeSerikaJob({ id, status }));
      else states.set(id, await getJob(id, context)); // finished, or not in the list: ask for the job itself
    }
    return states;
  },
};
