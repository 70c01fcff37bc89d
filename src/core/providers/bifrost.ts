// Bifrost gateway async images. The document (seed bifrost-async-images.txt) describes GET
// /v1/async/images/generations/{job_id}: 202 while pending|processing, 200 when completed|failed,
// ISO 8601 times, failures as a BifrostError whose reason is at error.error.message; the third
// example body (a bare BifrostError) is the 404 "job not found or expired" once the result TTL passed.
// The document is silent on the submit; it follows Bifrost's source (maximhq/bifrost
// transports/bifrost-http/handlers/asyncinference.go): POST /v1/async/images/generations with the
// OpenAI-style images body, answered 202 with the same job object.
import { z } from 'zod';
import { ProviderError, unexpectedAnswer } from '../errors';
import { imageCount, type GenerationRequest } from '../jobModel';
import { requireImageOperation } from './common';
import { providerHttp } from './providerHttp';
import { unsentParams } from './unsentParams';
import type { ImageProvider, ProviderContext, RemoteJobState, RemoteOutput, RequestProblem, SubmitResult } from './types';

/** The document's BifrostError: the reason is nested one level down, at error.message. */
const bifrostErrorSchema = z.object({
  status_code: z.number().nullish(),
  error: z.object({ message: z.string().nullish(), type: z.string().nullish(), code: z.string().nullish() }).nullish(),
});

const bifrostJobSchema = z.looseObject({
  id: z.string().min(1),
  // checked in normalizeBifrostJob, so an undocumented status is reported as such, body and all
  status: z.string(),
  created_at: z.string().nullish(),
  completed_at: z.string().nullish(),
  expires_at: z.string().nullish(),
  status_code: z.number().nullish(),
  // the document shows `result: null`; a finished image job's result is Bifrost's
  // BifrostImageGenerationResponse (core/schemas/images.go): data[].url | b64_json
  result: z
    .object({
      data: z.array(z.object({ url: z.string().url().nullish(), b64_json: z.string().nullish(), revised_prompt: z.string().nullish() })),
    })
    .nullish(),
  error: bifrostErrorSchema.nullish(),
});

type BifrostJob = z.infer<typeof bifrostJobSchema>;

const ACCEPTED = (status: number) => status === 200 || status === 202;

function authHeaders(context: ProviderContext): Record<string, string> {
  if (!context.apiKey) return {};
  return context.options?.authScheme === 'x-bf-vk' ? { 'x-bf-vk': context.apiKey } : { authorization: `Bearer ${context.apiKey}` };
}

/** The gateway's API: 202 is a normal answer on every route (a job still pending). */
const bifrostApi = (context: ProviderContext) => providerHttp(context, authHeaders(context), { okStatuses: ACCEPTED });

function isoToEpochMs(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function failureReason(job: BifrostJob): string {
  const message = job.error?.error?.message;
  const status = job.status_code || job.error?.status_code;
  return `Bifrost: ${message || 'the provider behind the gateway failed'}${status ? ` (HTTP ${status})` : ''}`;
}

export function normalizeBifrostJob(job: BifrostJob, what = 'Checking the Bifrost job'): RemoteJobState {
  switch (job.status) {
    case 'pending':
      return { status: 'queued' };
    case 'processing':
      return { status: 'running' };
    case 'failed':
      return { status: 'failed', reason: failureReason(job) };
    case 'completed': {
      const expiresAt = isoToEpochMs(job.expires_at);
      const outputs = (job.result?.data ?? []).flatMap((item): RemoteOutput[] => {
        if (item.b64_json) return [{ kind: 'base64', data: item.b64_json }];
        if (item.url) return [{ kind: 'url', url: item.url, expiresAt }];
        return [];
      });
      if (outputs.length === 0) return { status: 'failed', reason: 'Bifrost reported completed but sent no images' };
      return { status: 'succeeded', outputs };
    }
    default:
      throw unexpectedAnswer(what, `unknown status "${job.status}"`, job);
  }
}

/**
 * Sizes and counts OpenAI documents for its DALL·E models (platform.openai.com/docs/api-reference/images/create:
 * "one of 256x256, 512x512, or 1024x1024 for dall-e-2, and one of 1024x1024, 1792x1024, or 1024x1792 for
 * dall-e-3"; n "must be between 1 and 10. For dall-e-3, only n=1 is supported"). With no size sent, both
 * make 1024x1024. Other models behind the gateway are not known here, so only the gateway's own limits apply.
 */
const KNOWN_MODELS: Readonly<Record<string, { readonly sizes: readonly string[]; readonly maxCount: number }>> = {
  'openai/dall-e-2': { sizes: ['256x256', '512x512', '1024x1024'], maxCount: 10 },
  'openai/dall-e-3': { sizes: ['1024x1024', '1792x1024', '1024x1792'], maxCount: 1 },
};

/** The gateway's `size`, from width and height; absent when the user set neither. */
function sizeOf(request: GenerationRequest): string | undefined {
  const { width, height } = request.params;
  return width === undefined || height === undefined ? undefined : `${width}x${height}`;
}

export function validateBifrostRequest(request: GenerationRequest): RequestProblem[] {
  const problems: RequestProblem[] = [];
  const { params } = request;
  if (!/^[^/]+\/.+$/.test(request.model))
    problems.push({ field: 'model', message: 'Bifrost needs provider/model after "bifrost/", e.g. bifrost/openai/dall-e-3' });
  const count = imageCount(params);
  if (count < 1 || count > 10) problems.push({ field: 'count', message: `count must be 1–10 for Bifrost (got ${count})` });
  // one `size` field carries both: half of it cannot be sent
  if ((params.width === undefined) !== (params.height === undefined)) {
    problems.push({
      field: params.width === undefined ? 'height' : 'width',
      message: "Bifrost sends width and height together as one size: set both, or neither for the model's default",
    });
  }
  // Bifrost's image request has no guidance or sampler field (core/schemas/images.go
  // ImageGenerationParameters). A warning, not an error: the request is whole without them (the
  // model uses its own), so a file written for another provider still runs, and says what is left out.
  problems.push(
    ...unsentParams(params, ['cfgScale', 'sampler'], (field) => `Bifrost's image request has no field for ${field}; it is not sent`),
  );
  const known = KNOWN_MODELS[request.model];
  const size = sizeOf(request);
  if (known && size && !known.sizes.includes(size)) {
    problems.push({ field: 'width', message: `${request.model} makes only ${known.sizes.join(', ')} (got ${size})` });
  }
  if (known && count > known.maxCount && count <= 10)
    problems.push({ field: 'count', message: `${request.model} makes only ${known.maxCount} image per request (got ${count})` });
  return problems;
}

/** How long Bifrost keeps a result when no TTL header is sent (asyncinference.go getResultTTLFromHeaderWithDefault). */
const DEFAULT_RESULT_TTL_SECONDS = 3600;

export const bifrostProvider: ImageProvider = {
  id: 'bifrost',
  idempotentSubmit: false,
  validate: validateBifrostRequest,
  // the TTL the job was sent with (x-bf-async-job-result-ttl), as the settings give it
  resultLifetimeMs: (context) => (context.options?.resultTtlSeconds || DEFAULT_RESULT_TTL_SECONDS) * 1000,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'Bifrost');
    const { params } = request;
    const ttl = context.options?.resultTtlSeconds;
    try {
      const response = await bifrostApi(context).post(
        '/v1/async/images/generations',
        // only what the user set: unset fields are left out, so the model's own defaults apply
        {
          model: request.model,
          prompt: request.prompt,
          n: params.count,
          size: sizeOf(request),
          response_format: 'b64_json',
          seed: params.seed,
          negative_prompt: params.negativePrompt,
          num_inference_steps: params.steps,
        },
        bifrostJobSchema,
        'Submitting to Bifrost',
        { headers: ttl ? { 'x-bf-async-job-result-ttl': String(ttl) } : {} },
      );
      // the job exists once it has an id: an undocumented status here is left to the first poll
      const known = ['pending', 'processing', 'completed', 'failed'].includes(response.data.status);
      return {
        remoteId: response.data.id,
        state: known ? normalizeBifrostJob(response.data, 'Submitting to Bifrost') : { status: 'queued' },
      };
    } catch (error) {
      if (error instanceof ProviderError && error.kind === 'notFound') {
        throw new ProviderError(
          'badRequest',
          `${error.message}. Bifrost serves async image routes only when a logs store is configured.`,
          error.details,
        );
      }
      throw error;
    }
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    const response = await bifrostApi(context).get(
      `/v1/async/images/generations/${encodeURIComponent(remoteId)}`,
      bifrostJobSchema,
      'Checking the Bifrost job',
    );
    return normalizeBifrostJob(response.data);
  },
};
