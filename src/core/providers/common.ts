// Small pieces every provider file uses.
import { ProviderError } from '../errors';
import type { GenerationRequest } from '../jobModel';
import type { ProviderContext } from './types';

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
