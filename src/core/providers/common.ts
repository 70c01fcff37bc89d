// Small pieces every provider file uses.
import { isProviderError, ProviderError } from '../errors';
import type { GenerationRequest } from '../jobModel';
import type { ProviderContext, RemoteJobState } from './types';

export function endpoint(context: ProviderContext, path: string): string {
  if (!context.baseUrl) throw new ProviderError('badRequest', 'No base URL is set for this provider: set it in the settings.');
  return `${context.baseUrl.replace(/\/+$/, '')}${path}`;
}

export function bearer(context: ProviderContext): Record<string, string> {
  return context.apiKey ? { authorization: `Bearer ${context.apiKey}` } : {};
}

/** Fails before sending when the request asks for something this provider cannot do. */
export function requireImageOperation(request: GenerationRequest, providerName: string): void {
  if (request.operation) {
    throw new ProviderError('unsupported', `${providerName} does not support ${request.operation.kind} jobs.`);
  }
}

export function isDataUrl(value: string): boolean {
  return value.startsWith('data:');
}

/** "data:image/png;base64,…" → its base64 part and MIME type. */
export function parseDataUrl(value: string): { data: string; mimeType?: string } {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(value);
  return match ? { data: match[3] ?? '', mimeType: match[1] } : { data: value };
}

/** The fields that are set: what the user left out is left out of the request too. */
export function withoutUndefined<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** Errors that concern one job's own answer; anything else (network, auth, 5xx) would hit every job alike. */
function concernsOneJob(error: unknown): boolean {
  return isProviderError(error) && (error.kind === 'notFound' || error.kind === 'malformed' || error.kind === 'badRequest');
}

/**
 * pollMany from a list request: the states the list gave, and each job it did not list (finished,
 * or not recent) asked for by itself. When that answer concerns only that job (404, an undocumented
 * answer) and other jobs share the batch, it is left out (polled again later) rather than thrown,
 * which would end or count against every job in the batch; alone, it is thrown.
 */
export async function listedOrPolled(
  remoteIds: readonly string[],
  listed: ReadonlyMap<string, RemoteJobState>,
  poll: (remoteId: string) => Promise<RemoteJobState>,
): Promise<Map<string, RemoteJobState>> {
  const states = new Map<string, RemoteJobState>();
  for (const id of remoteIds) {
    const state = listed.get(id);
    if (state) {
      states.set(id, state);
      continue;
    }
    try {
      states.set(id, await poll(id));
    } catch (error) {
      if (remoteIds.length === 1 || !concernsOneJob(error)) throw error;
    }
  }
  return states;
}
