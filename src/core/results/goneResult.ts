// A result file its provider no longer serves (HTTP 404 or 410 on its link). Providers keep results
// for a while only (SubModel: "within 30 minutes"; Bifrost: the TTL sent with the job), and a second
// look at the job gives the same link, so downloading again cannot help: the message says the result
// has most likely expired, for how long the provider keeps results where it says, and that Run Again
// makes it anew.
import { isProviderError, type ProviderError } from '../errors';
import { formatDuration } from '../jobModel';

/** A 404 or 410 on a result file: the file is gone, not out of reach for a moment. */
export function isGoneFile(error: unknown): error is ProviderError {
  return isProviderError(error) && (error.details.status === 404 || error.details.status === 410);
}

export interface GoneResult {
  /** The provider's name as the user knows it. */
  readonly providerName: string;
  /** What the server answered: "HTTP 404: expired or unknown file". */
  readonly answer: string;
  /** How long the provider keeps a result, where its document says. */
  readonly lifetimeMs?: number;
  /** When the provider's answer said the file's link would expire (TAMS's expiredIn, Bifrost's expires_at). */
  readonly expiresAt?: number;
  readonly now: number;
}

/** Why the file is gone, as far as the provider lets us know. */
function reason({ providerName, lifetimeMs, expiresAt, now }: GoneResult): string {
  if (lifetimeMs !== undefined) return `it has most likely expired: ${providerName} keeps results for ${formatDuration(lifetimeMs)}`;
  if (expiresAt !== undefined && expiresAt <= now) {
    const ago = now - expiresAt < 1000 ? 'just now' : `${formatDuration(now - expiresAt)} ago`;
    return `it expired ${ago}, as ${providerName}'s answer said it would`;
  }
  if (expiresAt !== undefined) return `${providerName} removed it, though its answer gave it ${formatDuration(expiresAt - now)} more`;
  return `it has most likely expired (${providerName} does not say how long it keeps results)`;
}

/** The failure a user reads: what the server said, why, and what to do instead of downloading again. */
export function goneResultMessage(gone: GoneResult): string {
  return `The result file is no longer there (${gone.answer}); ${reason(gone)}. Run Again makes a new job from the same request.`;
}
