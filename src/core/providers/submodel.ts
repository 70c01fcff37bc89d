// SubModel serverless (RunPod-compatible): {base}{basePath}/{endpointId}/run | runsync | status/{id} |
// cancel/{id} | stream/{id} | health | purge-queue. The key goes in a configurable header (x-apikey by
// default) and the base path is configurable, as the docs disagree on both. Results live 30 minutes.
import { z } from 'zod';
import { ProviderError } from '../errors';
import type { GenerationRequest } from '../jobModel';
import { endpoint, isDataUrl, parseDataUrl, requireImageOperation } from './common';
import type { ImageProvider, ProviderContext, RemoteJobState, RemoteOutput, SubmitResult } from './types';

const statusSchema = z.enum(['IN_QUEUE', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT']);

const jobSchema = z.object({
  id: z.string().min(1),
  status: statusSchema,
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

const streamSchema = z.object({ status: statusSchema, stream: z.array(z.object({ output: z.unknown() })).optional() });

export type SubModelHealth = z.infer<typeof healthSchema>;

function route(context: ProviderContext, path: string): string {
  const endpointId = context.options?.endpointId;
  if (!endpointId) throw new ProviderError('badRequest', 'SubModel needs an endpoint id: set imageJobs.submodel.endpointId.');
  const basePath = `/${(context.options?.basePath ?? '/v1/sl').replace(/^\/+|\/+$/g, '')}`;
  return endpoint(context, `${basePath === '/' ? '' : basePath}/${encodeURIComponent(endpointId)}${path}`);
}

function authHeaders(context: ProviderContext): Record<string, string> {
  if (!context.apiKey) return {};
  const header = (context.options?.authHeader || 'x-apikey').toLowerCase();
  return { [header]: header === 'authorization' ? `Bearer ${context.apiKey}` : context.apiKey };
}

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
  if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
  return error === undefined || error === null ? undefined : JSON.stringify(error);
}

export function normalizeSubModelJob(job: z.infer<typeof jobSchema>): RemoteJobState {
  switch (job.status) {
    case 'IN_QUEUE':
      return { status: 'queued' };
    case 'IN_PROGRESS':
      return { status: 'running' };
    case 'COMPLETED': {
      const outputs = extractSubModelOutputs(job.output);
      if (outputs.length === 0) return { status: 'failed', reason: 'SubModel: the job COMPLETED but its output holds no image (URL, data URL or base64)' };
      return { status: 'succeeded', outputs };
    }
    case 'FAILED':
      return { status: 'failed', reason: `SubModel: ${errorText(job.error) ?? 'the worker failed'}` };
    case 'TIMED_OUT':
      return { status: 'failed', reason: `SubModel: the job timed out on the worker (TIMED_OUT${job.executionTime ? ` after ${Math.round(job.executionTime / 1000)} s` : ''})` };
    case 'CANCELLED':
      return { status: 'cancelled' };
  }
}

function input(request: GenerationRequest): Record<string, unknown> {
  const { params } = request;
  return {
    prompt: request.prompt,
    negative_prompt: params.negativePrompt,
    width: params.width,
    height: params.height,
    num_inference_steps: params.steps,
    guidance_scale: params.cfgScale,
    scheduler: params.sampler,
    seed: params.seed,
    num_outputs: params.count,
    ...(request.model ? { model: request.model } : {}),
  };
}

export const subModelProvider: ImageProvider = {
  id: 'submodel',
  idempotentSubmit: false,

  async submit(request: GenerationRequest, _idempotencyKey: string, context: ProviderContext): Promise<SubmitResult> {
    requireImageOperation(request, 'SubModel');
    const path = context.options?.runsync ? '/runsync' : '/run';
    const response = await context.http.requestJson(
      // runsync holds the request open for up to ~60 s while a short job runs
      { method: 'POST', url: route(context, path), headers: authHeaders(context), json: { input: input(request) }, signal: context.signal, timeoutMs: context.options?.runsync ? 90_000 : undefined },
      jobSchema,
      'Submitting to SubModel',
    );
    return { remoteId: response.data.id, state: normalizeSubModelJob(response.data) };
  },

  async poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState> {
    const response = await context.http.requestJson(
      { method: 'GET', url: route(context, `/status/${encodeURIComponent(remoteId)}`), headers: authHeaders(context), signal: context.signal },
      jobSchema,
      'Checking the SubModel job',
    );
    return normalizeSubModelJob(response.data);
  },

  async cancel(remoteId: string, context: ProviderContext): Promise<void> {
    await context.http.requestJson(
      { method: 'POST', url: route(context, `/cancel/${encodeURIComponent(remoteId)}`), headers: authHeaders(context), signal: context.signal },
      jobSchema,
      'Cancelling the SubModel job',
    );
  },
};

export async function subModelHealth(context: ProviderContext): Promise<SubModelHealth> {
  return (await context.http.requestJson({ method: 'GET', url: route(context, '/health'), headers: authHeaders(context), signal: context.signal }, healthSchema, 'SubModel health')).data;
}

export async function subModelPurgeQueue(context: ProviderContext): Promise<z.infer<typeof purgeSchema>> {
  return (await context.http.requestJson({ method: 'POST', url: route(context, '/purge-queue'), headers: authHeaders(context), signal: context.signal }, purgeSchema, 'SubModel purge queue')).data;
}

/** Partial outputs a streaming worker has produced so far. */
export async function subModelStream(remoteId: string, context: ProviderContext): Promise<{ status: string; outputs: RemoteOutput[] }> {
  const response = await context.http.requestJson(
    { method: 'GET', url: route(context, `/stream/${encodeURIComponent(remoteId)}`), headers: authHeaders(context), signal: context.signal },
    streamSchema,
    'Streaming the SubModel job',
  );
  return { status: response.data.status, outputs: (response.data.stream ?? []).flatMap((chunk) => extractSubModelOutputs(chunk.output)) };
}
