// Serika Jobs API (seed serika-jobs-api.txt): POST /jobs/images, GET /jobs/{jobId}, GET /jobs (recent
// jobs, statuses only). Statuses QUEUED|PROCESSING|COMPLETED|FAILED; one image per job (the result is
// one {url,width,height,seed}). No cancel endpoint, no idempotency key: a submit is never repeated
// automatically.
import { z } from 'zod';
import { unexpectedAnswer } from '../errors';
import { imageCount, type GenerationRequest } from '../jobModel';
import { bearer, listedOrPolled, requireImageOperation } from './common';
import { providerHttp } from './providerHttp';
import type { ImageProvider, ProviderContext, RemoteJobState, RequestProblem, SubmitResult } from './types';

const STATUSES = ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED'] as const;

const serikaJobSchema = z.looseObject({
  id: z.string().min(1),
  // checked in normalizeSerikaJob, so an undocumented status is reported as such, body and all
  status: z.string(),
  created_at: z.number().optional(),
  result: z
    .object({
      url: z.string().url(),
      width: z.number().int().optional(),
      height: z.number().int().optional(),
      seed: z.number().int().optional(),
    })
    .nullish(),
  // "Check the `error` field for details": the document gives it no shape
  error: z.unknown().optional(),
});

const serikaListSchema = z.object({
  jobs: z.array(z.looseObject({ id: z.string(), status: z.string() })),
});

type SerikaJob = z.infer<typeof serikaJobSchema>;

/** The reason in whatever `error` holds: a string, or an object with a message. */
function failureReason(error: unknown): string | undefined {
  if (typeof error === 'string') return error.trim() || undefined;
  if (error && typeof error === 'object') {
    const message = (error as { message?: unknown }).message;
    if (typeof message === 'string' && message.trim()) return message.trim();
  }
  return undefined;
}

function isKnownStatus(status: string): status is (typeof STATUSES)[number] {
  return (STATUSES as readonly string[]).includes(status);
}

export function normalizeSerikaJob(job: SerikaJob, what = 'Checking the Serika job'): RemoteJobState {
  switch (job.status) {
    case 'QUEUED':
      return { status: 'queued' };
    case 'PROCESSING':
      return { status: 'running' };
    case 'FAILED':
      return { status: 'failed', reason: failureReason(job.error) ?? 'Serika reported the job as FAILED without a reason' };
    case 'COMPLETED':
      if (!job.result) return { status: 'failed', reason: 'Serika reported COMPLETED but sent no result' };
      return {
        status: 'succeeded',
        outputs: [{ kind: 'url', url: job.result.url, width: job.result.width, height: job.result.height, seed: job.result.seed }],
      };
    default:
      throw unexpectedAnswer(what, `unknown status "${job.status}"`, job);
  }
}

/** Serika makes one image per job (the result is a single image), so a larger count is not sent silently. */
export function validateSerikaRequest(request: GenerationRequest): RequestProblem[] {
  const count = imageCount(request.params);
  return count === 1 ? [] : [{ field: 'count', message: `Serika makes one image per job (got count ${count})` }];
}

/** Serika's API, the key sent as a bearer token. */
const serikaApi = (context: ProviderContext) => providerHttp(context, bearer(context));

async function getJob(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
  const response = await serikaApi(context).get(`/jobs/${encodeURIComponent(remoteId)}`, serikaJobSchema, 'Checking the Serika job');
  return normalizeSerikaJob(response.data);
}

export const serikaProvider: ImageProvider = {
  id: 'serika',
  idempotentSubmit: false,
  validate: validateSerikaRequest,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'Serika');
    const { params } = request;
    const response = await serikaApi(context).post(
      '/jobs/images',
      // only what the user set: Serika applies its own defaults (1024×1024) to the rest
      {
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
      serikaJobSchema,
      'Submitting to Serika',
    );
    // the job exists once it has an id: an undocumented status here is left to the first poll
    const state = isKnownStatus(response.data.status)
      ? normalizeSerikaJob(response.data, 'Submitting to Serika')
      : { status: 'queued' as const };
    return { remoteId: response.data.id, state };
  },

  poll: getJob,

  /**
   * One GET /jobs for the statuses of queued and running jobs. The list has no result or error, and
   * holds only "recent" jobs, so a finished job, one not listed, or one with a status the document
   * does not name is asked for by itself (listedOrPolled).
   */
  async pollMany(remoteIds: readonly string[], context: ProviderContext): Promise<Map<string, RemoteJobState>> {
    const response = await serikaApi(context).get('/jobs', serikaListSchema, 'Listing Serika jobs');
    const listed = new Map<string, RemoteJobState>();
    for (const { id, status } of response.data.jobs)
      if (status === 'QUEUED' || status === 'PROCESSING') listed.set(id, normalizeSerikaJob({ id, status }));
    return listedOrPolled(remoteIds, listed, (id) => getJob(id, context));
  },
};
