// PhotoGPT: every call sends `API-Version: 1`; bodies are an envelope {result, status: "OK"} or
// {err, message, result: null, status: "NOK"} (even with HTTP 200). Image generation, upscaling and
// video generation all return a jobId polled at GET /jobs/{id}.
import { z } from 'zod';
import { ProviderError } from '../errors';
import type { GenerationRequest } from '../jobModel';
import { bearer, endpoint } from './common';
import type { ImageProvider, ProviderContext, RemoteJobState, RemoteOutput, RequestProblem, SubmitResult } from './types';

const nok = z.object({ status: z.literal('NOK'), err: z.union([z.string(), z.number()]).nullish(), message: z.string().nullish(), result: z.null().optional() });

function envelope<T extends z.ZodType>(result: T) {
  return z.union([z.object({ status: z.literal('OK'), result }), nok]);
}

const mediaItem = z.union([
  z.string().url(),
  z.object({ url: z.string().url().optional(), imageUrl: z.string().url().optional(), videoUrl: z.string().url().optional(), id: z.string().optional() }).passthrough(),
]);

const jobSchema = envelope(
  z.object({
    jobId: z.string().min(1),
    status: z.string().transform((status) => status.toLowerCase()),
    images: z.array(mediaItem).nullish(),
    videos: z.array(mediaItem).nullish(),
    error: z.union([z.string(), z.object({ message: z.string() })]).nullish(),
    modelId: z.string().nullish(),
    createdAt: z.union([z.string(), z.number()]).nullish(),
  }),
);

const submitSchema = envelope(z.object({ jobId: z.string().min(1) }));

function unwrap<T>(body: { status: 'OK'; result: T } | z.infer<typeof nok>, what: string): T {
  if (body.status === 'OK') return body.result;
  const code = body.err === null || body.err === undefined ? '' : ` [${body.err}]`;
  const message = body.message || 'no message';
  const kind = /auth|key|token|unauthor/i.test(`${body.err} ${message}`) ? 'auth' : 'badRequest';
  throw new ProviderError(kind, `${what}: PhotoGPT said NOK${code}: ${message}`, { code: body.err === null || body.err === undefined ? undefined : String(body.err) });
}

function headers(context: ProviderContext): Record<string, string> {
  return { ...bearer(context), 'api-version': '1' };
}

function mediaUrl(item: z.infer<typeof mediaItem>): string | undefined {
  return typeof item === 'string' ? item : (item.url ?? item.imageUrl ?? item.videoUrl);
}

export function normalizePhotoGptJob(job: Extract<z.infer<typeof jobSchema>, { status: 'OK' }>['result']): RemoteJobState {
  switch (job.status) {
    case 'created':
    case 'queued':
      return { status: 'queued' };
    case 'running':
      return { status: 'running' };
    case 'success': {
      const outputs: RemoteOutput[] = [
        ...(job.images ?? []).map((item) => ({ url: mediaUrl(item), mimeType: undefined })),
        ...(job.videos ?? []).map((item) => ({ url: mediaUrl(item), mimeType: 'video/mp4' })),
      ].flatMap(({ url, mimeType }) => (url ? [{ kind: 'url' as const, url, mimeType }] : []));
      if (outputs.length === 0) return { status: 'failed', reason: 'PhotoGPT reported success but sent no images or videos' };
      return { status: 'succeeded', outputs };
    }
    case 'failed': {
      const reason = typeof job.error === 'string' ? job.error : job.error?.message;
      return { status: 'failed', reason: `PhotoGPT: ${reason || 'the job failed'}` };
    }
    default:
      // an unknown status is still a live job: keep polling rather than crash
      return { status: 'running' };
  }
}

export function validatePhotoGptRequest(request: GenerationRequest): RequestProblem[] {
  if (request.operation?.kind === 'upscale') return request.operation.imageId ? [] : [{ field: 'operation', message: 'upscaling needs an image id' }];
  return request.model ? [] : [{ field: 'model', message: 'PhotoGPT needs a model id: model: photogpt/<modelID>' }];
}

function submission(request: GenerationRequest): { path: string; body: Record<string, unknown> } {
  const { params } = request;
  if (request.operation?.kind === 'upscale') return { path: '/images/upscaling', body: { imageID: request.operation.imageId } };
  if (request.operation?.kind === 'video') return { path: '/videos/generation', body: { modelID: request.model, prompt: request.prompt, seed: params.seed } };
  return {
    path: '/images/generation',
    body: { modelID: request.model, prompt: request.prompt, width: params.width, height: params.height, numImages: params.count, steps: params.steps, seed: params.seed, negativePrompt: params.negativePrompt },
  };
}

export const photoGptProvider: ImageProvider = {
  id: 'photogpt',
  idempotentSubmit: false,
  validate: validatePhotoGptRequest,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    const { path, body } = submission(request);
    const what = 'Submitting to PhotoGPT';
    const response = await context.http.requestJson({ method: 'POST', url: endpoint(context, path), headers: headers(context), json: body, signal: context.signal }, submitSchema, what);
    return { remoteId: unwrap(response.data, what).jobId, state: { status: 'queued' } };
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    const what = 'Checking the PhotoGPT job';
    const response = await context.http.requestJson(
      { method: 'GET', url: endpoint(context, `/jobs/${encodeURIComponent(remoteId)}`), headers: headers(context), signal: context.signal },
      jobSchema,
      what,
    );
    return normalizePhotoGptJob(unwrap(response.data, what));
  },

  downloadHeaders: headers,
};

/** GET /ping: checks the key and the API version; resolves with PhotoGPT's answer. */
export async function pingPhotoGpt(context: ProviderContext): Promise<unknown> {
  const response = await context.http.requestJson({ method: 'GET', url: endpoint(context, '/ping'), headers: headers(context), signal: context.signal }, envelope(z.unknown()), 'Pinging PhotoGPT');
  return unwrap(response.data, 'Pinging PhotoGPT');
}
