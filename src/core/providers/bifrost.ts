// Bifrost gateway async images: POST /v1/async/images/generations → 202 {id, status: pending};
// GET …/{id} → 202 while pending|processing, 200 when completed|failed; 404 once the result TTL passed.
import { z } from 'zod';
import { ProviderError } from '../errors';
import { imageCount, type GenerationRequest } from '../jobModel';
import { endpoint, requireImageOperation } from './common';
import type { ImageProvider, ProviderContext, RemoteJobState, RemoteOutput, RequestProblem, SubmitResult } from './types';

const bifrostJobSchema = z.object({
  id: z.string().min(1),
  status: z.enum(['pending', 'processing', 'completed', 'failed']),
  created_at: z.union([z.number(), z.string()]).optional(),
  completed_at: z.union([z.number(), z.string()]).nullish(),
  expires_at: z.union([z.number(), z.string()]).nullish(),
  status_code: z.number().nullish(),
  result: z
    .object({ data: z.array(z.object({ url: z.string().url().optional(), b64_json: z.string().optional(), revised_prompt: z.string().optional() })) })
    .nullish(),
  error: z.union([z.string(), z.object({ message: z.string().optional(), type: z.string().optional() })]).nullish(),
});

const ACCEPTED = (status: number) => status === 200 || status === 202;

function authHeaders(context: ProviderContext): Record<string, string> {
  if (!context.apiKey) return {};
  return context.options?.authScheme === 'x-bf-vk' ? { 'x-bf-vk': context.apiKey } : { authorization: `Bearer ${context.apiKey}` };
}

function toEpochMs(value: number | string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function normalizeBifrostJob(job: z.infer<typeof bifrostJobSchema>): RemoteJobState {
  switch (job.status) {
    case 'pending':
      return { status: 'queued' };
    case 'processing':
      return { status: 'running' };
    case 'failed': {
      const message = typeof job.error === 'string' ? job.error : job.error?.message;
      return { status: 'failed', reason: `Bifrost: ${message || 'the provider behind the gateway failed'}${job.status_code ? ` (HTTP ${job.status_code})` : ''}` };
    }
    case 'completed': {
      const expiresAt = toEpochMs(job.expires_at);
      const outputs = (job.result?.data ?? []).flatMap((item): RemoteOutput[] => {
        if (item.b64_json) return [{ kind: 'base64', data: item.b64_json }];
        if (item.url) return [{ kind: 'url', url: item.url, expiresAt }];
        return [];
      });
      if (outputs.length === 0) return { status: 'failed', reason: 'Bifrost reported completed but sent no images' };
      return { status: 'succeeded', outputs };
    }
  }
}

export function validateBifrostRequest(request: GenerationRequest): RequestProblem[] {
  const problems: RequestProblem[] = [];
  if (!/^[^/]+\/.+$/.test(request.model)) problems.push({ field: 'model', message: 'Bifrost needs provider/model after "bifrost/", e.g. bifrost/openai/dall-e-3' });
  const count = imageCount(request.params);
  if (count < 1 || count > 10) problems.push({ field: 'count', message: `count must be 1–10 for Bifrost (got ${count})` });
  return problems;
}

export const bifrostProvider: ImageProvider = {
  id: 'bifrost',
  idempotentSubmit: false,
  validate: validateBifrostRequest,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'Bifrost');
    const { params } = request;
    const ttl = context.options?.resultTtlSeconds;
    try {
      const response = await context.http.requestJson(
        {
          method: 'POST',
          url: endpoint(context, '/v1/async/images/generations'),
          headers: { ...authHeaders(context), ...(ttl ? { 'x-bf-async-job-result-ttl': String(ttl) } : {}) },
          signal: context.signal,
          okStatuses: ACCEPTED,
          json: {
            model: request.model,
            prompt: request.prompt,
            n: params.count,
            size: `${params.width}x${params.height}`,
            response_format: 'b64_json',
            seed: params.seed,
            negative_prompt: params.negativePrompt,
            num_inference_steps: params.steps,
          },
        },
        bifrostJobSchema,
        'Submitting to Bifrost',
      );
      return { remoteId: response.data.id, state: normalizeBifrostJob(response.data) };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'notFound') {
        throw new ProviderError('badRequest', `${error.message}. Bifrost serves async image routes only when a logs store is configured.`, error.details);
      }
      throw error;
    }
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    const response = await context.http.requestJson(
      { method: 'GET', url: endpoint(context, `/v1/async/images/generations/${encodeURIComponent(remoteId)}`), headers: authHeaders(context), signal: context.signal, okStatuses: ACCEPTED },
      bifrostJobSchema,
      'Checking the Bifrost job',
    );
    return normalizeBifrostJob(response.data);
  },
};
