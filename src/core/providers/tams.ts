// TensorArt TAMS. The provider's document (seed `tensorart-tams-jobs.txt`) covers POST /v1/jobs:
// {requestId, stages[], notifyUrl?} → {job}, with int64 fields as strings. Where it is silent we
// follow PROVIDERS.md and TensorArt's public docs (tams-docs.tensor.art): GET /v1/jobs/{id},
// DELETE /v1/jobs/{id}, POST /v1/jobs/credits, and Bearer or TAMS-SHA256-RSA auth.
import { createSign, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ProviderError, unexpectedAnswer } from '../errors';
import { imageCount, type GenerationRequest } from '../jobModel';
import { bearer, requireImageOperation, withoutUndefined } from './common';
import { providerHttp, type OutgoingRequest } from './providerHttp';
import {
  blockingProblems,
  type ImageProvider,
  type ProviderContext,
  type RemoteJobState,
  type RemoteOutput,
  type RequestProblem,
  type SubmitResult,
} from './types';

export const TAMS_LIMITS = {
  countMin: 1,
  countMax: 4,
  sizeMin: 512,
  sizeMax: 1536,
  sizeStep: 64,
  stepsMin: 10,
  stepsMax: 50,
  cfgMax: 35,
} as const;

/** int64 fields arrive as strings (the document's example), int32 as numbers; accept either. */
const numberish = z.union([z.number(), z.string()]);

/** The document's resourceImage: {id, url, expiredIn (string), meta: {image: {format, width, height}}}. */
const resourceImageSchema = z.object({
  id: z.string().nullish(),
  url: z.string().nullish(),
  expiredIn: numberish.nullish(),
  meta: z
    .object({ image: z.object({ format: z.string().nullish(), width: numberish.nullish(), height: numberish.nullish() }).nullish() })
    .nullish(),
});

/** The document's 200 body. Status is any string here: one the document does not name is reported, not guessed. */
const tamsJobSchema = z.object({
  job: z.object({
    id: z.string().min(1),
    status: z.string(),
    credits: numberish.nullish(),
    waitingInfo: z.object({ queueRank: numberish.nullish(), queueLen: numberish.nullish() }).nullish(),
    runningInfo: z.object({ processingImages: z.array(z.object({ progress: numberish.nullish() })).nullish() }).nullish(),
    successInfo: z.object({ images: z.array(resourceImageSchema).nullish(), videos: z.array(resourceImageSchema).nullish() }).nullish(),
    failedInfo: z.object({ reason: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() }).nullish(),
  }),
});

export type TamsJobBody = z.infer<typeof tamsJobSchema>;

/** POST /v1/jobs/credits answers {"credits": 0} (tams-docs.tensor.art/api/, "v1/jobs/credits"). */
const creditsSchema = z.object({ credits: numberish });

/** A number, or undefined for a placeholder such as the document's "string". */
function readNumber(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const number = typeof value === 'number' ? value : /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

/**
 * `expiredIn` is typed string without a format. We read seconds ("3600"), a protobuf Duration
 * ("3600s") or a date; anything else leaves the expiry unknown rather than failing the job.
 */
export function tamsExpiresAt(expiredIn: string | number | null | undefined, now: number): number | undefined {
  if (expiredIn === null || expiredIn === undefined) return undefined;
  const seconds = typeof expiredIn === 'number' ? expiredIn : /^\s*(\d+(?:\.\d+)?)s?\s*$/.exec(expiredIn)?.[1];
  if (seconds !== undefined) return now + Number(seconds) * 1000;
  const date = Date.parse(String(expiredIn));
  return Number.isNaN(date) ? undefined : date;
}

const MIME_BY_FORMAT: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  webm: 'video/webm',
};

function positive(value: string | number | null | undefined): number | undefined {
  const number = readNumber(value);
  return number !== undefined && number > 0 ? number : undefined;
}

function toOutput(item: z.infer<typeof resourceImageSchema>, now: number, what: string, body: unknown): RemoteOutput {
  const url = item.url ?? '';
  if (!/^https?:\/\//i.test(url))
    throw unexpectedAnswer(what, `result url ${JSON.stringify(item.url ?? null)} is not an http(s) URL`, body);
  const image = item.meta?.image;
  const format = image?.format?.toLowerCase();
  return {
    kind: 'url',
    url,
    // the document puts a result's size under meta.image; its example's 0 means unknown
    width: positive(image?.width),
    height: positive(image?.height),
    mimeType: format ? MIME_BY_FORMAT[format] : undefined,
    expiresAt: tamsExpiresAt(item.expiredIn, now),
  };
}

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
    problems.push({
      field: 'steps',
      message: `steps must be ${TAMS_LIMITS.stepsMin}–${TAMS_LIMITS.stepsMax} for TAMS (got ${params.steps})`,
    });
  }
  if (params.cfgScale !== undefined && params.cfgScale > TAMS_LIMITS.cfgMax) {
    problems.push({ field: 'cfgScale', message: `cfgScale must be at most ${TAMS_LIMITS.cfgMax} for TAMS (got ${params.cfgScale})` });
  }
  return problems;
}

/** The document writes int64 fields (seed, count, width, height, steps) as decimal strings. */
const int64 = (value: number | undefined): string | undefined => (value === undefined ? undefined : String(Math.trunc(value)));

/**
 * The two-stage job the public demos use: INPUT_INITIALIZE (seed, count) then DIFFUSION. Only what
 * the user set is sent: the document marks nothing in a stage as required (only requestId and
 * stages), so width, height, seed, steps, sampler and cfgScale are left to TAMS when unset. count is
 * always sent, as the number of images this job waits for. prompts and sdModel are `{}` in the
 * document's example (no schema given); their form, [{text}] and the model id string, is the one of
 * TensorArt's public demos.
 */
export function buildTamsStages(request: GenerationRequest): unknown[] {
  const { params } = request;
  return [
    { type: 'INPUT_INITIALIZE', inputInitialize: withoutUndefined({ seed: int64(params.seed), count: int64(imageCount(params)) }) },
    {
      type: 'DIFFUSION',
      diffusion: withoutUndefined({
        width: int64(params.width),
        height: int64(params.height),
        prompts: [{ text: request.prompt }],
        negativePrompts: params.negativePrompt ? [{ text: params.negativePrompt }] : undefined,
        sdModel: request.model,
        sampler: params.sampler,
        steps: int64(params.steps),
        cfgScale: params.cfgScale,
      }),
    },
  ];
}

/** Queue statuses among those PROVIDERS.md lists; DEFAULT is protobuf's unset value, read as not started. */
const WAITING_STATUSES: ReadonlySet<string> = new Set(['DEFAULT', 'CREATED', 'PENDING', 'WAITING']);

/** The job as the common model sees it; an answer the documents do not describe throws `malformed`. */
export function normalizeTamsJob(body: TamsJobBody, what = 'Checking the TAMS job', now = Date.now()): RemoteJobState {
  const { job } = body;
  const credits = readNumber(job.credits);
  if (WAITING_STATUSES.has(job.status)) {
    const rank = readNumber(job.waitingInfo?.queueRank);
    return {
      status: 'queued',
      queuePosition: rank !== undefined ? rank + 1 : undefined,
      queueLength: readNumber(job.waitingInfo?.queueLen),
      credits,
    };
  }
  switch (job.status) {
    case 'RUNNING': {
      const progresses = (job.runningInfo?.processingImages ?? [])
        .map((image) => readNumber(image.progress))
        .filter((p): p is number => p !== undefined);
      const mean = progresses.length ? progresses.reduce((a, b) => a + b, 0) / progresses.length : undefined;
      // the document gives no scale: read values above 1 as percent
      return { status: 'running', progress: mean === undefined ? undefined : Math.min(1, mean > 1 ? mean / 100 : mean), credits };
    }
    case 'SUCCESS': {
      const items = [...(job.successInfo?.images ?? []), ...(job.successInfo?.videos ?? [])];
      if (items.length === 0) throw unexpectedAnswer(what, 'SUCCESS without images or videos', body);
      return { status: 'succeeded', credits, outputs: items.map((item) => toOutput(item, now, what, body)) };
    }
    case 'FAILED': {
      const code = job.failedInfo?.code;
      return {
        status: 'failed',
        reason: `TAMS: ${job.failedInfo?.reason || 'the job failed'}${code !== undefined && code !== null ? ` (code ${code})` : ''}`,
      };
    }
    case 'CANCELED':
      return { status: 'cancelled' };
    default:
      throw unexpectedAnswer(what, `unknown job status ${JSON.stringify(job.status)}`, body);
  }
}

/** `TAMS-SHA256-RSA app_id=…,nonce_str=…,timestamp=…,signature=…` over METHOD\nPATH+query\nts\nnonce\nbody. */
export function tamsSignature(
  method: string,
  url: string,
  body: string,
  appId: string,
  privateKeyPem: string,
  now = Date.now(),
  nonce = randomBytes(16).toString('hex'),
): string {
  const { pathname, search } = new URL(url);
  const timestamp = Math.floor(now / 1000).toString();
  const signature = createSign('RSA-SHA256')
    .update(`${method}\n${pathname}${search}\n${timestamp}\n${nonce}\n${body}`)
    .sign(privateKeyPem, 'base64');
  return `TAMS-SHA256-RSA app_id=${appId},nonce_str=${nonce},timestamp=${timestamp},signature=${signature}`;
}

/** Bearer, or a TAMS-SHA256-RSA signature over each request as it is sent. */
function authHeaders(context: ProviderContext, { method, url, body }: OutgoingRequest): Record<string, string> {
  if (context.options?.authScheme !== 'rsa') return bearer(context);
  if (!context.apiKey || !context.options.appId) return {};
  return { authorization: tamsSignature(method, url, body, context.options.appId, context.apiKey) };
}

const tamsApi = (context: ProviderContext) => providerHttp(context, (request) => authHeaders(context, request));

/** What a job would cost, before submitting it: POST /v1/jobs/credits {stages} → {credits}. */
export async function estimateTamsCredits(request: GenerationRequest, context: ProviderContext): Promise<number> {
  requireImageOperation(request, 'TAMS');
  const problems = blockingProblems(validateTamsRequest(request));
  if (problems.length) throw new ProviderError('badRequest', `TAMS: ${problems.map((problem) => problem.message).join('; ')}`);
  const what = 'Estimating TAMS credits';
  const response = await tamsApi(context).post('/v1/jobs/credits', { stages: buildTamsStages(request) }, creditsSchema, what);
  const credits = readNumber(response.data.credits);
  if (credits === undefined) throw unexpectedAnswer(what, 'credits is not a number', response.data);
  return credits;
}

export const tamsProvider: ImageProvider = {
  id: 'tams',
  idempotentSubmit: true,
  validate: validateTamsRequest,

  async submit(request: GenerationRequest, idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'TAMS');
    const what = 'Submitting to TAMS';
    const body = { requestId: idempotencyKey, stages: buildTamsStages(request) };
    const response = await tamsApi(context).post('/v1/jobs', body, tamsJobSchema, what);
    return { remoteId: response.data.job.id, state: normalizeTamsJob(response.data, what) };
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    const what = 'Checking the TAMS job';
    const response = await tamsApi(context).get(`/v1/jobs/${encodeURIComponent(remoteId)}`, tamsJobSchema, what);
    return normalizeTamsJob(response.data, what);
  },

  /** No document describes the answer to DELETE: no field of it is read. */
  async cancel(remoteId: string, context: ProviderContext): Promise<void> {
    await tamsApi(context).delete(`/v1/jobs/${encodeURIComponent(remoteId)}`, z.unknown(), 'Cancelling the TAMS job');
  },
};
