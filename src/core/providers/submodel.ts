// SubModel serverless (RunPod-compatible) as its own document shows it (seed submodel-serverless-jobs.txt):
// {base}{basePath}/{endpointId}/run | runsync | status/{id} | cancel/{id} | stream/{id} | purge-queue, all
// POST, and GET health; the key in x-apikey. Base https://api.submodel.ai with /v1/sl; the document's
// rate-limit section names https://api.submodel.ai/v2/{endpoint_id}/{operation} instead, so the base
// path stays configurable. Results must be read from /status within 30 minutes.
//
// /status-sync: the document names it once, in its rate limits ("/status, /status-sync, /stream: 2000
// requests per 10 seconds, 400 concurrent"). The rest is RunPod's, whose API SubModel's follows:
// RunPod's operations reference (docs.runpod.io/serverless/references/operations) lists
// "/status-sync/{job_id} - Synchronous status check, Methods: GET | POST"; RunPod's JS SDK
// (runpod/js-sdk src/index.ts, statusSync) sends `?wait=<ms>` (1000–90000) and reads the answer as
// /status's, asking again while the status is not final. So: POST (as this document shows /status),
// `?wait=`, /status's answer. The engine sends it only for a job whose id is recorded, and falls back
// to /status when it is refused or answered unexpectedly (jobs/heldStatus.ts).
// Not used for waiting: /stream. The document shows it as a top-level array of what a streaming worker
// yielded, with no status (nothing tells "not done" from "done, nothing streamed"), and neither it nor
// RunPod's documents say it holds (RunPod's SDKs call it in a loop).
import { z } from 'zod';
import { ProviderError, unexpectedAnswer } from '../errors';
import type { GenerationRequest } from '../jobModel';
import { endpoint, isDataUrl, parseDataUrl, requireImageOperation } from './common';
import { providerHttp, type RequestExtras } from './providerHttp';
import type { ImageProvider, ProviderContext, RemoteJobState, RemoteOutput, RequestProblem, SubmitResult } from './types';
import { ALL_PARAMS, unsentParams } from './unsentParams';

/** The document shows IN_QUEUE, COMPLETED and CANCELLED; PROVIDERS.md adds the RunPod family's others [G]. */
const KNOWN_STATUSES = ['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'] as const;
type KnownStatus = (typeof KNOWN_STATUSES)[number];

// status is read as any string so that an undocumented one is named in the error, not lost in a schema message
const jobSchema = z.object({
  id: z.string().min(1).optional(),
  status: z.string(),
  delayTime: z.number().optional(),
  executionTime: z.number().optional(),
  output: z.unknown().optional(),
  error: z.unknown().optional(),
});

const healthSchema = z.object({
  jobs: z.object({ completed: z.number(), failed: z.number(), inProgress: z.number(), inQueue: z.number(), retried: z.number() }),
  workers: z.object({ idle: z.number(), running: z.number() }).passthrough(),
});

const purgeSchema = z.object({ removed: z.number(), status: z.string() });

const submitSchema = jobSchema.extend({ id: z.string().min(1) });

/** The document's stream answer: a top-level array of chunks, each `{metrics, output}`. */
const streamSchema = z.array(z.object({ metrics: z.record(z.string(), z.unknown()).optional(), output: z.unknown() }));

export type SubModelHealth = z.infer<typeof healthSchema>;
export type SubModelJob = z.infer<typeof jobSchema>;
export type SubModelStreamChunk = z.infer<typeof streamSchema>[number];

function isKnownStatus(status: string): status is KnownStatus {
  return (KNOWN_STATUSES as readonly string[]).includes(status);
}

function route(context: ProviderContext, path: string): string {
  const endpointId = context.options?.endpointId;
  if (!endpointId) throw new ProviderError('badRequest', 'SubModel needs an endpoint id: set imageJobs.submodel.endpointId.');
  // the settings' defaults (package.json) are the document's: /v1/sl, x-apikey
  const configured = context.options?.basePath;
  if (configured === undefined) throw new ProviderError('badRequest', 'SubModel needs a base path: set imageJobs.submodel.basePath.');
  const basePath = `/${configured.replace(/^\/+|\/+$/g, '')}`;
  return endpoint(context, `${basePath === '/' ? '' : basePath}/${encodeURIComponent(endpointId)}${path}`);
}

function authHeaders(context: ProviderContext): Record<string, string> {
  if (!context.apiKey) return {};
  const header = context.options?.authHeader?.toLowerCase();
  if (!header) throw new ProviderError('badRequest', 'SubModel needs the header that carries the key: set imageJobs.submodel.authHeader.');
  return { [header]: header === 'authorization' ? `Bearer ${context.apiKey}` : context.apiKey };
}

/** How long past its wait a held status request may take to answer before it counts as dropped. */
const HELD_ANSWER_MARGIN_MS = 10_000;

/** cancel, purge-queue and stream: the document's requests carry Content-Type with no body. */
const BODILESS_JSON: RequestExtras = { headers: { 'content-type': 'application/json' } };

/** The endpoint's routes; the auth header is read per request, after the route (its error comes first). */
const subModelApi = (context: ProviderContext) =>
  providerHttp(context, () => authHeaders(context), { url: (path) => route(context, path) });

const LOOKS_BASE64 = /^[A-Za-z0-9+/]{200,}={0,2}$/;

/** Worker outputs are free-form: find image URLs, data URLs and base64 strings wherever they are. */
export function extractSubModelOutputs(output: unknown, depth = 0): RemoteOutput[] {
  if (depth > 4 || output === null || output === undefined) return [];
  if (typeof output === 'string') {
    if (isDataUrl(output)) {
      const { data, mimeType } = parseDataUrl(output);
      return [{ kind: 'base64', data, mimeType }];
    }
    if (/^https?:\/\//.test(output)) return [{ kind: 'url', url: output }];
    return LOOKS_BASE64.test(output) ? [{ kind: 'base64', data: output }] : [];
  }
  if (Array.isArray(output)) return output.flatMap((item) => extractSubModelOutputs(item, depth + 1));
  if (typeof output === 'object') {
    const record = output as Record<string, unknown>;
    const seed = typeof record.seed === 'number' ? record.seed : undefined;
    for (const key of ['images', 'image', 'image_url', 'url', 'b64_json', 'output', 'data', 'result']) {
      const found = extractSubModelOutputs(record[key], depth + 1);
      if (found.length) return found.map((item) => (seed !== undefined && item.seed === undefined ? { ...item, seed } : item));
    }
  }
  return [];
}

function errorText(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string')
    return (error as { message: string }).message;
  return error === undefined || error === null ? undefined : JSON.stringify(error);
}

/** Reads a job answer; a status neither the document nor the RunPod family has is an unexpected answer. */
export function normalizeSubModelJob(job: SubModelJob, what = 'SubModel'): RemoteJobState {
  const status = job.status;
  if (!isKnownStatus(status)) throw unexpectedAnswer(what, `status "${status}" is not one the document shows`, job);
  switch (status) {
    case 'IN_QUEUE':
      return { status: 'queued' };
    case 'IN_PROGRESS':
      // RunPod's IN_PROGRESS answer carries the queue time so far [G]: the job's start, for the poller
      return job.delayTime === undefined ? { status: 'running' } : { status: 'running', queuedMs: job.delayTime };
    case 'COMPLETED': {
      const outputs = extractSubModelOutputs(job.output);
      if (outputs.length === 0)
        return {
          status: 'failed',
          reason: `SubModel: the job COMPLETED but its output holds no image (URL, data URL or base64): ${preview(job.output)}`,
        };
      // the document's COMPLETED answers carry both: how long the job ran, not when a look happened to see it
      return {
        status: 'succeeded',
        outputs,
        ...(job.delayTime !== undefined && { queuedMs: job.delayTime }),
        ...(job.executionTime !== undefined && { runMs: job.executionTime }),
      };
    }
    case 'FAILED':
      return { status: 'failed', reason: `SubModel: ${errorText(job.error) ?? 'the worker failed'}` };
    case 'TIMED_OUT':
      return {
        status: 'failed',
        reason: `SubModel: the job timed out on the worker (TIMED_OUT${job.executionTime ? ` after ${Math.round(job.executionTime / 1000)} s` : ''})`,
      };
    case 'CANCELLED':
      return { status: 'cancelled' };
  }
}

function preview(output: unknown): string {
  const text = JSON.stringify(output) ?? String(output);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * The endpoint's worker defines its input; the document's only example is {"input": {"prompt": …}},
 * so the prompt is all that is sent. Size, seed, count and the model name are not: the document shows
 * no key for them, and the endpoint id already picks the worker and its model.
 */
function input(request: GenerationRequest): Record<string, unknown> {
  return { prompt: request.prompt };
}

/** Every parameter the user set is one the worker never sees: said, not dropped silently. */
export function validateSubModelRequest(request: GenerationRequest): RequestProblem[] {
  return unsentParams(
    request.params,
    ALL_PARAMS,
    (field) => `SubModel sends only the prompt to the endpoint's worker; ${field} is not sent`,
  );
}

/** "Retrieve results from /status within 30 minutes for privacy protection." */
const RESULT_LIFETIME_MS = 30 * 60 * 1000;

export const subModelProvider: ImageProvider = {
  id: 'submodel',
  idempotentSubmit: false,
  validate: validateSubModelRequest,
  resultLifetimeMs: () => RESULT_LIFETIME_MS,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'SubModel');
    const path = context.options?.runsync ? '/runsync' : '/run';
    // runsync holds the request while the job runs (we wait up to 90 s). Its id comes only with the
    // answer, so a connection lost meanwhile loses a job that still runs: an opt-in for short jobs.
    const response = await subModelApi(context).post(path, { input: input(request) }, submitSchema, 'Submitting to SubModel', {
      timeoutMs: context.options?.runsync ? 90_000 : undefined,
    });
    const { data } = response;
    // with an id the job exists remotely: keep it whatever the status says; the poll refuses an unknown one
    return { remoteId: data.id, state: isKnownStatus(data.status) ? normalizeSubModelJob(data) : { status: 'queued' } };
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    const what = 'Checking the SubModel job';
    const response = await subModelApi(context).post(`/status/${encodeURIComponent(remoteId)}`, undefined, jobSchema, what);
    return normalizeSubModelJob(response.data, what);
  },

  async pollHeld(remoteId: string, waitMs: number, context: ProviderContext): Promise<RemoteJobState> {
    const what = 'Waiting on the SubModel job';
    const wait = Math.max(1, Math.round(waitMs));
    const response = await subModelApi(context).post(
      `/status-sync/${encodeURIComponent(remoteId)}?wait=${wait}`,
      undefined,
      jobSchema,
      what,
      {
        // the answer comes when the job ends or the wait runs out: a little longer before giving up on it
        timeoutMs: wait + HELD_ANSWER_MARGIN_MS,
      },
    );
    return normalizeSubModelJob(response.data, what);
  },

  async cancel(remoteId: string, context: ProviderContext): Promise<void> {
    const what = 'Cancelling the SubModel job';
    await subModelApi(context).post(`/cancel/${encodeURIComponent(remoteId)}`, undefined, jobSchema, what, BODILESS_JSON);
  },
};

export async function subModelHealth(context: ProviderContext): Promise<SubModelHealth> {
  return (await subModelApi(context).get('/health', healthSchema, 'SubModel health')).data;
}

export async function subModelPurgeQueue(context: ProviderContext): Promise<z.infer<typeof purgeSchema>> {
  return (await subModelApi(context).post('/purge-queue', undefined, purgeSchema, 'SubModel purge queue', BODILESS_JSON)).data;
}

/** What a streaming worker has yielded so far: the chunks as sent, and any images among their outputs. */
export async function subModelStream(
  remoteId: string,
  context: ProviderContext,
): Promise<{ chunks: SubModelStreamChunk[]; outputs: RemoteOutput[] }> {
  const what = 'Streaming the SubModel job';
  const response = await subModelApi(context).post(`/stream/${encodeURIComponent(remoteId)}`, undefined, streamSchema, what, BODILESS_JSON);
  return { chunks: response.data, outputs: response.data.flatMap((chunk) => extractSubModelOutputs(chunk.output)) };
}
