// The one HTTP path every provider uses (the Sandbox included): undici requests, zod-validated JSON,
// provider failures turned into ProviderErrors, no automatic redirects (so auth headers never follow
// a redirect to another origin).
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { ProviderError, parseRetryAfter, rawPreview, toProviderError } from './errors';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly json?: unknown;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Statuses that carry a normal body (default: 2xx). Lets Bifrost's 202-while-pending through. */
  readonly okStatuses?: (status: number) => boolean;
}

export interface HttpJsonResponse<T> {
  readonly status: number;
  readonly data: T;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface DownloadOptions {
  readonly headers?: Record<string, string>;
  readonly maxBytes: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface DownloadedFile {
  readonly bytes: Buffer;
  readonly contentType: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_ERROR_BODY = 64 * 1024;
const MAX_JSON_BODY = 32 * 1024 * 1024;

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Picks the human part out of the error bodies providers send (google.rpc.Status, OK/NOK, OpenAI-style, RunPod). */
export function extractErrorMessage(body: string, contentType: string | undefined): string | undefined {
  const trimmed = body.trim();
  if (!trimmed) return undefined;
  if (contentType?.includes('html') || trimmed.startsWith('<')) {
    const title = /<title>([^<]{1,200})<\/title>/i.exec(trimmed)?.[1]?.trim();
    return `the server sent an HTML page${title ? ` ("${title}")` : ''} instead of JSON`;
  }
  try {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    const candidates = [parsed.message, parsed.error, parsed.err, parsed.detail, parsed.msg];
    for (const candidate of candidates) {
      if (typeof candidate === 'string' && candidate) return candidate;
      if (candidate && typeof candidate === 'object' && typeof (candidate as { message?: unknown }).message === 'string') {
        return (candidate as { message: string }).message;
      }
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return trimmed.length > 300 ? `${trimmed.slice(0, 300)}…` : trimmed;
}

/** Headers in which providers (and the gateways in front of them) name a request for their support. */
const REQUEST_ID_HEADERS = ['x-request-id', 'request-id', 'x-amzn-requestid', 'x-correlation-id', 'cf-ray'];

export function requestIdOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = header(headers, name)?.trim();
    if (value) return value.slice(0, 200);
  }
  return undefined;
}

function errorForStatus(
  status: number,
  message: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  what: string,
): ProviderError {
  const suffix = message ? `: ${message}` : '';
  const retryAfterMs = parseRetryAfter(header(headers, 'retry-after'), Date.now());
  const requestId = requestIdOf(headers);
  if (status === 401 || status === 403) {
    return new ProviderError('auth', `${what}: HTTP ${status}, the API key was rejected${suffix}. Run "Image Jobs: Set API Key".`, {
      status,
      requestId,
    });
  }
  if (status === 429) {
    const wait = retryAfterMs !== undefined ? ` (retry after ${Math.ceil(retryAfterMs / 1000)} s)` : '';
    return new ProviderError('rateLimited', `${what}: rate limited${wait}${suffix}`, { status, retryAfterMs, requestId });
  }
  if (status === 404) return new ProviderError('notFound', `${what}: HTTP 404${suffix}`, { status, requestId });
  if (status === 413) return new ProviderError('badRequest', `${what}: request too large${suffix}`, { status, requestId });
  if (status >= 500)
    return new ProviderError('server', `${what}: server error HTTP ${status}${suffix}`, { status, retryAfterMs, requestId });
  return new ProviderError('badRequest', `${what}: HTTP ${status}${suffix}`, { status, requestId });
}

async function readLimited(body: Dispatcher.ResponseData['body'], maxBytes: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      throw new ProviderError('tooLarge', `${what}: response larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A URL fit for messages and logs: no credentials, no query (keys are sometimes sent there). */
export function urlForMessages(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export interface HttpClientOptions {
  readonly dispatcher?: Dispatcher;
  /** Default for requests that set no timeout of their own. */
  readonly timeoutMs?: number;
}

export class HttpClient {
  constructor(private readonly options: HttpClientOptions = {}) {}

  private async send(req: HttpRequest & { body?: string }, what: string): Promise<Dispatcher.ResponseData> {
    const timeout = req.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      return await request(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        dispatcher: this.options.dispatcher,
      });
    } catch (error) {
      // a failure to connect says where it tried: the usual cause is a wrong base URL
      throw toProviderError(error, `${what} (${req.method} ${urlForMessages(req.url)})`);
    }
  }

  /** Sends a request and validates the JSON body with `schema`; `what` names the step in messages. */
  async requestJson<S extends z.ZodType>(req: HttpRequest, schema: S, what: string): Promise<HttpJsonResponse<z.infer<S>>> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.json !== undefined) {
      body = JSON.stringify(req.json);
      headers['content-type'] = 'application/json';
    }
    const response = await this.send({ ...req, headers, body }, what);
    const contentType = header(response.headers, 'content-type');
    const okStatuses = req.okStatuses ?? ((status: number) => status >= 200 && status < 300);
    let raw: Buffer;
    try {
      raw = await readLimited(response.body, okStatuses(response.statusCode) ? MAX_JSON_BODY : MAX_ERROR_BODY, what);
    } catch (error) {
      throw toProviderError(error, what);
    }
    const text = raw.toString('utf8');
    if (!okStatuses(response.statusCode)) {
      throw errorForStatus(response.statusCode, extractErrorMessage(text, contentType), response.headers, what);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const hint = extractErrorMessage(text, contentType);
      throw new ProviderError('malformed', `${what}: the response is not valid JSON${hint ? ` (${hint})` : ''}`, {
        status: response.statusCode,
        requestId: requestIdOf(response.headers),
        raw: rawPreview(text),
      });
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'body';
      throw new ProviderError('malformed', `${what}: unexpected answer from the provider (${where}: ${issue?.message ?? 'invalid'})`, {
        status: response.statusCode,
        requestId: requestIdOf(response.headers),
        raw: rawPreview(text),
      });
    }
    return { status: response.statusCode, data: result.data, headers: response.headers };
  }

  /** Downloads a result file, refusing bodies over `maxBytes`. */
  async download(url: string, options: DownloadOptions, what = 'Downloading result'): Promise<DownloadedFile> {
    const response = await this.send(
      { method: 'GET', url, headers: options.headers, timeoutMs: options.timeoutMs, signal: options.signal },
      what,
    );
    const contentType = header(response.headers, 'content-type') ?? 'application/octet-stream';
    if (response.statusCode < 200 || response.statusCode >= 300) {
      const text = (await readLimited(response.body, MAX_ERROR_BODY, what).catch(() => Buffer.alloc(0))).toString('utf8');
      throw errorForStatus(response.statusCode, extractErrorMessage(text, contentType), response.headers, what);
    }
    const declared = Number(header(response.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > options.maxBytes) {
      response.body.destroy();
      throw new ProviderError('tooLarge', `${what}: file is ${declared} bytes, over the ${options.maxBytes} byte limit`);
    }
    let bytes: Buffer;
    try {
      bytes = await readLimited(response.body, options.maxBytes, what);
    } catch (error) {
      throw toProviderError(error, what);
    }
    if (Number.isFinite(declared) && bytes.length !== declared) {
      throw new ProviderError('network', `${what}: download cut short (${bytes.length} of ${declared} bytes)`);
    }
    return { bytes, contentType: contentType.split(';')[0]!.trim().toLowerCase() };
  }
}
