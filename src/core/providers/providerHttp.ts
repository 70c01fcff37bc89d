// The one way a provider talks to its API: a path, a body, a zod schema and a step name for messages.
// The URL, the auth headers and the abort signal come from the provider's context once, instead of
// being spelled out at every request.
import type { z } from 'zod';
import type { HttpJsonResponse } from '../http';
import { endpoint } from './common';
import type { ProviderContext } from './types';

/** What a signing auth scheme signs (TAMS RSA: method, path with query, and the exact body sent). */
export interface OutgoingRequest {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly url: string;
  /** The JSON text that will be sent; '' when there is no body. */
  readonly body: string;
}

/** Auth headers: fixed, or computed per request for schemes that sign it (and for ones that may throw late). */
export type ProviderAuth = Readonly<Record<string, string>> | ((request: OutgoingRequest) => Record<string, string>);

export interface ProviderHttpOptions {
  /** Path → URL; default `endpoint(context, path)` (SubModel puts its base path and endpoint id first). */
  readonly url?: (path: string) => string;
  /** Statuses with a normal body for every request (Bifrost answers 202 while a job is pending). */
  readonly okStatuses?: (status: number) => boolean;
}

/** What one request may add. */
export interface RequestExtras {
  /** Sent after the auth headers (Bifrost's result TTL; SubModel's Content-Type on bodiless calls). */
  readonly headers?: Record<string, string>;
  readonly timeoutMs?: number;
  readonly okStatuses?: (status: number) => boolean;
}

export interface ProviderHttp {
  get<S extends z.ZodType>(path: string, schema: S, what: string, extras?: RequestExtras): Promise<HttpJsonResponse<z.infer<S>>>;
  /** `body` undefined sends no body (SubModel's status, cancel, stream and purge-queue). */
  post<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    what: string,
    extras?: RequestExtras,
  ): Promise<HttpJsonResponse<z.infer<S>>>;
  delete<S extends z.ZodType>(path: string, schema: S, what: string, extras?: RequestExtras): Promise<HttpJsonResponse<z.infer<S>>>;
}

export function providerHttp(context: ProviderContext, auth: ProviderAuth = {}, options: ProviderHttpOptions = {}): ProviderHttp {
  const send = async <S extends z.ZodType>(
    method: OutgoingRequest['method'],
    path: string,
    json: unknown,
    schema: S,
    what: string,
    extras: RequestExtras = {},
  ): Promise<HttpJsonResponse<z.infer<S>>> => {
    // async, so a bad URL rejects like any other failure; the URL first: a missing base URL or
    // endpoint id is the error to report before any auth problem
    const url = options.url ? options.url(path) : endpoint(context, path);
    const authHeaders = typeof auth === 'function' ? auth({ method, url, body: json === undefined ? '' : JSON.stringify(json) }) : auth;
    return context.http.requestJson(
      {
        method,
        url,
        headers: { ...authHeaders, ...extras.headers },
        json,
        signal: context.signal,
        timeoutMs: extras.timeoutMs,
        okStatuses: extras.okStatuses ?? options.okStatuses,
      },
      schema,
      what,
    );
  };
  return {
    get: (path, schema, what, extras) => send('GET', path, undefined, schema, what, extras),
    post: (path, body, schema, what, extras) => send('POST', path, body, schema, what, extras),
    delete: (path, schema, what, extras) => send('DELETE', path, undefined, schema, what, extras),
  };
}
