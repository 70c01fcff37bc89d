// TensorArt TAMS: POST /v1/jobs with a requestId idempotency key and stages, GET /v1/jobs/{id},
// DELETE /v1/jobs/{id}. Auth is a bearer token or an RSA-SHA256 signature per request.
import { createSign, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { imageCount, type GenerationRequest } from '../jobModel';
import { bearer, endpoint, requireImageOperation } from './common';
import type { ImageProvider, ProviderContext, RemoteJobState, RequestProblem, SubmitResult } from './types';

export const TAMS_LIMITS = { countMin: 1, countMax: 4, sizeMin: 512, sizeMax: 1536, sizeStep: 64, stepsMin: 10, stepsMax: 50, cfgMax: 35 } as const;

/** protobuf int64 values arrive as strings */
const numeric = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/)]).transform(Number);

const tamsJobSchema = z.object({
  job: z.object({
    id: z.string().min(1),
    status: z.enum(['DEFAULT', 'CREATED', 'PENDING', 'WAITING', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELED']),
    credits: numeric.optional(),
    waitingInfo: z.object({ queueRank: numeric.optional(), queueLen: numeric.optional() }).nullish(),
    runningInfo: z.object({ processingImages: z.array(z.object({ progress: numeric.optional() })).optional() }).nullish(),
    successInfo: z
      .object({
        images: z.array(z.object({ id: z.string().optional(), url: z.string().url(), expiredIn: numeric.optional(), width: numeric.optional(), height: numeric.optional(), seed: numeric.optional() })),
      })
      .nullish(),
    failedInfo: z.object({ reason: z.string().optional(), code: z.union([z.string(), z.number()]).optional() }).nullish(),
  }),
});

export function validateTamsRequest(request: GenerationRequest): RequestProblem[] {
  const { params } = request;
  const problems: RequestProblem[] = [];
  if (!request.model) problems.push({ field: 'model', message: 'TAMS needs a model id: model: tams/<sdModel id>' });
  const count = imageCount(params);
  if (count < TAMS_LIMITS.countMin || count > TAMS_LIMITS.countMax) {
    problems.push({ field: 'count', message: `count must be ${TAMS_LIMITS.countMin}–${TAMS_LIMITS.countMax} for TAMS (got ${count})` });
  }
  for (const field of ['width', 'height'] as const) {
    const value = params[field];
    if (value === undefined) continue;
    if (value < TAMS_LIMITS.sizeMin || value > TAMS_LIMITS.sizeMax || value % TAMS_LIMITS.sizeStep !== 0) {
      problems.push({ field, message: `${field} must be a multiple of 64 from 512 to 1536 for TAMS (got ${value})` });
    }
  }
  if (params.steps !== undefined && (params.steps < TAMS_LIMITS.stepsMin || params.steps > TAMS_LIMITS.stepsMax)) {
    problems.push({ field: 'steps', message: `steps must be ${TAMS_LIMITS.stepsMin}–${TAMS_LIMITS.stepsMax} for TAMS (got ${params.steps})` });
  }
  if (params.cfgScale !== undefined && params.cfgScale > TAMS_LIMITS.cfgMax) {
    problems.push({ field: 'cfgScale', message: `cfgScale must be at most ${TAMS_LIMITS.cfgMax} for TAMS (got ${params.cfgScale})` });
  }
  return problems;
}

/** The documented two-stage job: INPUT_INITIALIZE (seed, count) then DIFFUSION. */
export function buildTamsStages(request: GenerationRequest): unknown[] {
  const { params } = request;
  return [
    { type: 'INPUT_INITIALIZE', inputInitialize: { seed: params.seed ?? -1, count: imageCount(params) } },
    {
      type: 'DIFFUSION',
      diffusion: {
        width: params.width,
        height: params.height,
        prompts: [{ text: request.prompt }],
        ...(params.negativePrompt ? { negativePrompts: [{ text: params.negativePrompt }] } : {}),
        sdModel: request.model,
        sampler: params.sampler,
        steps: params.steps,
        cfgScale: params.cfgScale,
      },
    },
  ];
}

export function normalizeTamsJob({ job }: z.infer<typeof tamsJobSchema>): RemoteJobState {
  const credits = job.credits;
  switch (job.status) {
    case 'DEFAULT':
    case 'CREATED':
    case 'PENDING':
    case 'WAITING': {
      const rank = job.waitingInfo?.queueRank;
      return { status: 'queued', queuePosition: rank !== undefined ? rank + 1 : undefined, queueLength: job.waitingInfo?.queueLen, credits };
    }
    case 'RUNNING': {
      const progresses = (job.runningInfo?.processingImages ?? []).map((image) => image.progress).filter((p): p is number => p !== undefined);
      const mean = progresses.length ? progresses.reduce((a, b) => a + b, 0) / progresses.length : undefined;
      return { status: 'running', progress: mean === undefined ? undefined : mean > 1 ? mean / 100 : mean, credits };
    }
    case 'SUCCESS': {
      const images = job.successInfo?.images ?? [];
      if (images.length === 0) return { status: 'failed', reason: 'TAMS reported SUCCESS but sent no images' };
      const now = Date.now();
      return {
        status: 'succeeded',
        credits,
        outputs: images.map((image) => ({
          kind: 'url' as const,
          url: image.url,
          width: image.width,
          height: image.height,
          seed: image.seed,
          expiresAt: image.expiredIn !== undefined ? now + image.expiredIn * 1000 : undefined,
        })),
      };
    }
    case 'FAILED':
      return { status: 'failed', reason: `TAMS: ${job.failedInfo?.reason || 'the job failed'}${job.failedInfo?.code !== undefined ? ` (code ${job.failedInfo.code})` : ''}` };
    case 'CANCELED':
      return { status: 'cancelled' };
  }
}

/** `TAMS-SHA256-RSA app_id=…,nonce_str=…,timestamp=…,signature=…` over METHOD\nPATH+query\nts\nnonce\nbody. */
export function tamsSignature(method: string, url: string, body: string, appId: string, privateKeyPem: string, now = Date.now(), nonce = randomBytes(16).toString('hex')): string {
  const { pathname, search } = new URL(url);
  const timestamp = Math.floor(now / 1000).toString();
  const signature = createSign('RSA-SHA256').update(`${method}\n${pathname}${search}\n${timestamp}\n${nonce}\n${body}`).sign(privateKeyPem, 'base64');
  return `TAMS-SHA256-RSA app_id=${appId},nonce_str=${nonce},timestamp=${timestamp},signature=${signature}`;
}

function authHeaders(context: ProviderContext, method: string, url: string, body: string): Record<string, string> {
  if (context.options?.authScheme !== 'rsa') return bearer(context);
  if (!context.apiKey || !context.options.appId) return {};
  return { authorization: tamsSignature(method, url, body, context.options.appId, context.apiKey) };
}

async function send(context: ProviderContext, method: 'GET' | 'POST' | 'DELETE', path: string, what: string, json?: unknown) {
  const url = endpoint(context, path);
  const headers = authHeaders(context, method, url, json === undefined ? '' : JSON.stringify(json));
  return context.http.requestJson({ method, url, headers, json, signal: context.signal }, tamsJobSchema, what);
}

export const tamsProvider: ImageProvider = {
  id: 'tams',
  idempotentSubmit: true,
  validate: validateTamsRequest,

  async submit(request: GenerationRequest, idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'TAMS');
    const response = await send(context, 'POST', '/v1/jobs', 'Submitting to TAMS', { requestId: idempotencyKey, stages: buildTamsStages(request) });
    return { remoteId: response.data.job.id, state: normalizeTamsJob(response.data) };
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    return normalizeTamsJob((await send(context, 'GET', `/v1/jobs/${encodeURIComponent(remoteId)}`, 'Checking the TAMS job')).data);
  },

  async cancel(remoteId: string, context: ProviderContext): Promise<void> {
    await send(context, 'DELETE', `/v1/jobs/${encodeURIComponent(remoteId)}`, 'Cancelling the TAMS job');
  },
};
