// What a failed submission means: whether the provider can have the job, so whether sending it again
// is safe, and the failure a user reads.
import { appendSentence, describeError, isProviderError } from '../errors';
import type { JobError } from '../jobModel';

/**
 * Failures that happen before a request leaves this machine: the provider cannot have the job, so a
 * submission may be repeated whatever the provider (no idempotency key needed).
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

/** What a failed submission means for the job at the provider. */
export type SubmitOutcome =
  /** nothing reached the provider: safe to send again */
  | 'notSent'
  /** the provider answered and refused it (4xx, 429): it has no job */
  | 'refused'
  /** it may have the job (5xx, reset, timeout) */
  | 'unknown'
  /** it answered 2xx with something unreadable: it probably has the job, and we lack its id */
  | 'unreadable';

export function submitOutcome(error: unknown): SubmitOutcome {
  if (!isProviderError(error)) return 'refused'; // thrown before sending (access, validation)
  if (error.kind === 'malformed') return 'unreadable';
  if (error.kind === 'network' && error.details.code && NOT_SENT_CODES.has(error.details.code)) return 'notSent';
  if (error.kind === 'network' || error.kind === 'timeout' || error.kind === 'server') return 'unknown';
  return 'refused';
}

/** A repeat is safe when nothing was created, or when the idempotency key stops a second job. */
export function canResubmit(error: unknown, outcome: SubmitOutcome, idempotent: boolean): boolean {
  const retryable = isProviderError(error) && error.retryable;
  return retryable && (outcome === 'notSent' || (outcome === 'refused' && error.kind === 'rateLimited') || idempotent);
}

/**
 * The failure a user reads: what went wrong, and whether the provider could hold the job.
 * `earlierMayExist`: an earlier attempt of the same job may have reached the provider.
 */
export function submitFailure(error: unknown, outcome: SubmitOutcome, idempotent: boolean, earlierMayExist = false): JobError {
  const mayExist = earlierMayExist || outcome === 'unknown' || outcome === 'unreadable';
  return { ...failureOrigin(error), ...submitFailureText(error, outcome, idempotent, earlierMayExist), ...(mayExist ? { mayExist } : {}) };
}

/** The kind, request id and network code a provider error carries, kept with the job's failure. */
export function failureOrigin(error: unknown): Pick<JobError, 'kind' | 'requestId' | 'code'> {
  if (!isProviderError(error)) return {};
  const { requestId, code } = error.details;
  return { kind: error.kind, ...(requestId ? { requestId } : {}), ...(code ? { code } : {}) };
}

function submitFailureText(error: unknown, outcome: SubmitOutcome, idempotent: boolean, earlierMayExist: boolean): JobError {
  const message = describeError(error);
  const retryable = isProviderError(error) ? error.retryable || error.kind === 'auth' : false;
  switch (outcome) {
    case 'notSent':
      return { message: appendSentence(message, 'Nothing reached the provider, so retrying is safe.'), phase: 'submit', retryable: true };
    case 'unreadable':
      if (idempotent) break;
      // the provider accepted something (2xx) but its id is unreadable: a retry could make a second job
      return {
        message: appendSentence(
          message,
          'The job was submitted but the answer could not be read, so its id is unknown: the provider may be running it. The answer is in the log; check the dashboard before generating again.',
        ),
        phase: 'submit',
        retryable: false,
      };
    case 'unknown':
      if (idempotent) break;
      return {
        message: appendSentence(message, 'The provider may or may not have received the job; check its dashboard before retrying.'),
        phase: 'submit',
        retryable,
      };
    case 'refused':
      // still rate limited after the last attempt: a 429 refuses the request, so no job was made by it
      if (isProviderError(error) && error.kind === 'rateLimited')
        return {
          message: appendSentence(
            message,
            earlierMayExist
              ? 'The provider refused it (rate limited), but an earlier attempt may have reached it: check its dashboard before retrying.'
              : 'The provider refused it (rate limited), so nothing was recorded there: Retry is safe.',
          ),
          phase: 'submit',
          retryable: true,
        };
      break;
  }
  return { message, phase: 'submit', retryable };
}
