// Every failure talking to a provider becomes a ProviderError with a kind the job logic can act on
// (retry, back off, stop) and a message a user can act on.

export type ProviderErrorKind =
  | 'auth' // 401/403: key missing or wrong
  | 'rateLimited' // 429
  | 'badRequest' // other 4xx: the request itself is wrong
  | 'notFound' // 404 on a job: unknown or expired
  | 'server' // 5xx
  | 'network' // refused, reset, DNS
  | 'timeout'
  | 'malformed' // body is not the JSON the docs promise
  | 'tooLarge'
  | 'unsupported';

const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rateLimited', 'server', 'network', 'timeout', 'malformed']);

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
  readonly retryable: boolean;

  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: {
      readonly status?: number;
      readonly retryAfterMs?: number;
      readonly code?: string;
      /** The provider's id for the request (x-request-id and the like): what its support asks for. */
      readonly requestId?: string;
      /** The provider's answer as received (truncated), for the log when it was not what the documents say. */
      readonly raw?: string;
    } = {},
  ) {
    super(message);
    this.retryable = RETRYABLE.has(kind);
  }
}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is the server running and the base URL right?',
  ECONNRESET: 'the connection was reset by the server',
  ENOTFOUND: 'host not found: check the base URL',
  EAI_AGAIN: 'DNS lookup failed: check your network',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'the connection was closed while sending',
  UND_ERR_SOCKET: 'the connection was closed unexpectedly',
  UND_ERR_CLOSED: 'the connection was closed unexpectedly',
  UND_ERR_CONNECT_TIMEOUT: 'connecting timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server did not answer in time',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending the response',
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server uses a self-signed certificate',
};

function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * True for a ProviderError from either bundle: the engine bundle, loaded lazily, has its own copy of
 * this class, so instanceof alone is not enough.
 */
export function isProviderError(error: unknown): error is ProviderError {
  return (
    error instanceof ProviderError ||
    (error instanceof Error && error.name === 'ProviderError' && typeof (error as { kind?: unknown }).kind === 'string')
  );
}

/** Turns a thrown network error (undici, node) into a ProviderError with an actionable message. */
export function toProviderError(error: unknown, what: string): ProviderError {
  if (isProviderError(error)) return error;
  const code = errorCode(error);
  if (code && code.includes('TIMEOUT')) {
    return new ProviderError('timeout', `${what}: ${NETWORK_MESSAGES[code] ?? 'timed out'}`, { code });
  }
  if ((error as { name?: string })?.name === 'AbortError' || code === 'ABORT_ERR') {
    return new ProviderError('timeout', `${what}: request aborted`, { code });
  }
  const reason = (code && NETWORK_MESSAGES[code]) ?? (error instanceof Error ? error.message : String(error));
  return new ProviderError('network', `${what}: ${reason}`, { code });
}

const MAX_RAW_CHARS = 2000;

/** A body as text for the log, cut to a readable length. Secrets are redacted by the logger. */
export function rawPreview(body: unknown): string {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? String(body));
  return text.length > MAX_RAW_CHARS ? `${text.slice(0, MAX_RAW_CHARS)}… (${text.length} chars)` : text;
}

/**
 * An answer the provider's documents do not describe (an unknown status, a missing field). The job
 * logic never waits on it for long: a poll gives up after a few such answers, a submission is not
 * repeated blindly.
 */
export function unexpectedAnswer(what: string, problem: string, body: unknown): ProviderError {
  return new ProviderError('malformed', `${what}: unexpected answer from the provider (${problem})`, { raw: rawPreview(body) });
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message with the provider's request id, when it sent one: for the log, where support looks. */
export function describeForLog(error: unknown): string {
  const requestId = isProviderError(error) ? error.details.requestId : undefined;
  return requestId ? `${describeError(error)} (request id ${requestId})` : describeError(error);
}

/** Joins a sentence to a message that may already end with its own punctuation. */
export function appendSentence(message: string, sentence: string): string {
  return `${message}${/[.?!]$/.test(message) ? '' : '.'} ${sentence}`;
}
