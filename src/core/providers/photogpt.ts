// PhotoGPT, as its document (seed `photogpt-jobs.txt`) shows it: POST /images/generation,
// /images/upscaling or /videos/generation start a job and return its jobId; GET /jobs/{id} answers
// with the job in `result`. The document shows no `status: "OK"`, so none is required; PROVIDERS.md
// adds an error envelope {err, message, result: null, status: "NOK"} and the API-Version: 1 header.
// Training (/models) is not supported: its readiness is polled every ~5 minutes for 20–25, which is
// not a job this extension's queue models.
import { z } from 'zod';
import { ProviderError, unexpectedAnswer } from '../errors';
import type { GenerationRequest } from '../jobModel';
import { bearer } from './common';
import { providerHttp } from './providerHttp';
import { ALL_PARAMS, unsentParams, type ParamName } from './unsentParams';
import type { ImageProvider, ProviderContext, RemoteJobState, RemoteOutput, RequestProblem, SubmitResult } from './types';

/** PROVIDERS.md: an explicit error, sent by PhotoGPT even where the document shows only `result`. */
const refusal = z.object({ status: z.literal('NOK'), err: z.union([z.string(), z.number()]).nullish(), message: z.string().nullish() });

/** "Read outputs": image and video records, read as `record.id, record.url`. */
const mediaRecord = z.object({ id: z.union([z.string(), z.number()]).transform(String).optional(), url: z.string().url() });

/** "Job response": only the fields read here are checked; jobId, modelId and createdAt are not used. */
const jobSchema = z.object({
  status: z.string(),
  images: z.array(mediaRecord).nullish(),
  videos: z.array(mediaRecord).nullish(),
  error: z.unknown().optional(),
});

const submitSchema = z.object({ jobId: z.union([z.string().min(1), z.number()]).transform(String) });

export type PhotoGptJob = z.infer<typeof jobSchema>;

/** "Poll a job": RUNNING_STATUSES; every other status is final, and only `success` is a success. */
const RUNNING_STATUSES: ReadonlyMap<string, RemoteJobState> = new Map([
  ['created', { status: 'queued' }],
  ['queued', { status: 'queued' }],
  ['running', { status: 'running' }],
]);
const SUCCESS_STATUS = 'success';

function refusalError(body: z.infer<typeof refusal>, what: string): ProviderError {
  const code = body.err === null || body.err === undefined ? undefined : String(body.err);
  const message = body.message || 'no message';
  const kind = /auth|key|token|unauthor/i.test(`${code} ${message}`) ? 'auth' : 'badRequest';
  return new ProviderError(kind, `${what}: PhotoGPT said NOK${code ? ` [${code}]` : ''}: ${message}`, { code });
}

/** The `result` of an answer read with `schema`: an explicit NOK is an error, anything unreadable an unexpected answer. */
function resultOf<S extends z.ZodType>(body: unknown, schema: S, what: string): z.infer<S> {
  const refused = refusal.safeParse(body);
  if (refused.success) throw refusalError(refused.data, what);
  const result = body !== null && typeof body === 'object' ? (body as { result?: unknown }).result : undefined;
  if (result === undefined || result === null) throw unexpectedAnswer(what, 'no result', body);
  const parsed = schema.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `result.${issue.path.join('.')}` : 'result';
    throw unexpectedAnswer(what, `${where}: ${issue?.message ?? 'invalid'}`, body);
  }
  return parsed.data;
}

function headers(context: ProviderContext): Record<string, string> {
  // API-Version: PROVIDERS.md; the document's examples send `headers` without listing them
  return { ...bearer(context), 'api-version': '1' };
}

const photoGptApi = (context: ProviderContext) => providerHttp(context, headers(context));

/** The document's `job.error ?? \`Job failed: ${job.status}\``, prefixed with the provider. */
function failureReason(job: PhotoGptJob): string {
  const { error } = job;
  if (typeof error === 'string' && error) return `PhotoGPT: ${error}`;
  if (error !== undefined && error !== null && error !== '') return `PhotoGPT: ${JSON.stringify(error).slice(0, 300)}`;
  return `PhotoGPT: Job failed: ${job.status}`;
}

export function normalizePhotoGptJob(job: PhotoGptJob, body: unknown = { result: job }): RemoteJobState {
  const status = job.status.toLowerCase();
  const running = RUNNING_STATUSES.get(status);
  if (running) return running;
  if (status !== SUCCESS_STATUS) return { status: 'failed', reason: failureReason(job) };
  // image ids are kept: upscaling takes one (POST /images/upscaling {imageID})
  const outputs: RemoteOutput[] = [...(job.images ?? []), ...(job.videos ?? [])].map((record) => ({
    kind: 'url',
    url: record.url,
    remoteId: record.id,
  }));
  if (outputs.length === 0) throw unexpectedAnswer('Checking the PhotoGPT job', 'success without images or videos', body);
  return { status: 'succeeded', outputs };
}

/** Settings images/generation has no documented field for. */
const UNSENT_IMAGE_PARAMS: readonly ParamName[] = ['negativePrompt', 'cfgScale', 'sampler'];

/** What each job kind's body leaves out of the user's settings (see `submission`). */
function unsentByKind(request: GenerationRequest): RequestProblem[] {
  const { params } = request;
  switch (request.operation?.kind) {
    case 'upscale':
      return unsentParams(params, ALL_PARAMS, (field) => `PhotoGPT's upscaling takes only the image; ${field} is not sent`);
    case 'video':
      return unsentParams(
        params,
        ALL_PARAMS,
        (field) => `PhotoGPT's video generation takes only the model and the prompt; ${field} is not sent`,
      );
    default:
      return unsentParams(params, UNSENT_IMAGE_PARAMS, (field) => `PhotoGPT's image generation has no field for ${field}; it is not sent`);
  }
}

export function validatePhotoGptRequest(request: GenerationRequest): RequestProblem[] {
  const problems: RequestProblem[] = [];
  if (request.operation?.kind === 'upscale') {
    if (!request.operation.imageId) problems.push({ field: 'operation', message: 'upscaling needs an image id' });
  } else if (!request.model) problems.push({ field: 'model', message: 'PhotoGPT needs a model id: model: photogpt/<modelID>' });
  return [...problems, ...unsentByKind(request)];
}

/** Keeps only the fields that are set. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

// The document names the three trigger endpoints but no request field. Bodies follow PROVIDERS.md:
// images/generation {modelID, prompt, width?, height?, aspectRatio?, numImages?, steps?, seed?, …},
// images/upscaling {imageID}; videos/generation is "{…}" there, so it gets what every model-scoped
// job has (modelID, prompt). negativePrompt, cfgScale and sampler have no documented field: not sent
// (validate warns about each one set).
function submission(request: GenerationRequest): { path: string; body: Record<string, unknown> } {
  const { params } = request;
  if (request.operation?.kind === 'upscale') return { path: '/images/upscaling', body: { imageID: request.operation.imageId } };
  if (request.operation?.kind === 'video') return { path: '/videos/generation', body: { modelID: request.model, prompt: request.prompt } };
  return {
    path: '/images/generation',
    body: defined({
      modelID: request.model,
      prompt: request.prompt,
      width: params.width,
      height: params.height,
      numImages: params.count,
      steps: params.steps,
      seed: params.seed,
    }),
  };
}

export const photoGptProvider: ImageProvider = {
  id: 'photogpt',
  idempotentSubmit: false,
  validate: validatePhotoGptRequest,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    const { path, body } = submission(request);
    const what = 'Submitting to PhotoGPT';
    const response = await photoGptApi(context).post(path, body, z.unknown(), what);
    return { remoteId: resultOf(response.data, submitSchema, what).jobId, state: { status: 'queued' } };
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    const what = 'Checking the PhotoGPT job';
    const response = await photoGptApi(context).get(`/jobs/${encodeURIComponent(remoteId)}`, z.unknown(), what);
    return normalizePhotoGptJob(resultOf(response.data, jobSchema, what), response.data);
  },

  downloadHeaders: headers,
};

/** GET /ping (PROVIDERS.md; not in the document): checks the key and the API version; resolves with PhotoGPT's answer. */
export async function pingPhotoGpt(context: ProviderContext): Promise<unknown> {
  const what = 'Pinging PhotoGPT';
  const response = await photoGptApi(context).get('/ping', z.unknown(), what);
  return resultOf(response.data, z.unknown(), what);
}
