// A result file its provider no longer serves (HTTP 404 or 410 on its link), or a job it no longer
// has (HTTP 404 on its status). Providers keep results for a while only (SubModel: "within 30
// minutes"; Bifrost: the TTL sent with the job, after which its status request answers 404 "job not
// found or expired"). A second look at the job gives the same dead link, and a gone job cannot be
// asked about again, so neither is worth repeating: the message says the result has most likely
// expired, for how long the provider keeps results where it says, and that Run Again makes it anew.
// A job younger than that lifetime cannot have expired: its 404 is looked at again (jobPoller.ts).
import { isProviderError, type ProviderError } from '../errors';
import { formatDuration, type JobRecord, type ProviderId } from '../jobModel';
import { providerInfo } from '../providers/catalog';
import type { ImageProvider, ProviderContext } from '../providers/types';

/**
 * How long the job's provider keeps its result: as recorded when the job was sent, since a setting
 * changed later (Bifrost's TTL) did not change what the provider was told; else as the settings say now.
 */
export function resultLifetimeOf(
  job: Pick<JobRecord, 'resultLifetimeMs'>,
  provider: Pick<ImageProvider, 'resultLifetimeMs'>,
  context: ProviderContext,
): number | undefined {
  return job.resultLifetimeMs ?? provider.resultLifetimeMs?.(context);
}

/** A 404 or 410 on a result file: the file is gone, not out of reach for a moment. */
export function isGoneFile(error: unknown): error is ProviderError {
  return isProviderError(error) && (error.details.status === 404 || error.details.status === 410);
}

export interface GoneResult {
  /** The provider's name as the user knows it. */
  readonly providerName: string;
  /** A new job there is billed (a provider with an account and key), which Run Again should say: not the offline Sandbox. */
  readonly billed: boolean;
  /** What the server answered: "HTTP 404: expired or unknown file". */
  readonly answer: string;
  /** How long the provider keeps a result, where its document says. */
  readonly lifetimeMs?: number;
  /** When the provider's answer said the file's link would expire (TAMS's expiredIn, Bifrost's expires_at). */
  readonly expiresAt?: number;
  readonly now: number;
}

/** A job its provider answers 404 about: what the server said, and how long it keeps results where it says. */
export type GoneJob = Pick<GoneResult, 'providerName' | 'billed' | 'answer' | 'lifetimeMs'>;

/** The provider as a gone message names it: its name, and whether a new job there is billed (one that needs a key). */
export function goneAt(providerId: ProviderId): Pick<GoneResult, 'providerName' | 'billed'> {
  const { displayName, needsApiKey } = providerInfo(providerId);
  return { providerName: displayName, billed: needsApiKey };
}

/** A job or file gone from a provider: most likely expired, after as long as the provider says it keeps results. */
function mostLikelyExpired({ providerName, lifetimeMs }: GoneJob): string {
  if (lifetimeMs !== undefined) return `it has most likely expired: ${providerName} keeps results for ${formatDuration(lifetimeMs)}`;
  return `it has most likely expired (${providerName} does not say how long it keeps results)`;
}

/** Why the file is gone, as far as the provider lets us know. */
function reason(gone: GoneResult): string {
  const { providerName, lifetimeMs, expiresAt, now } = gone;
  if (lifetimeMs !== undefined || expiresAt === undefined) return mostLikelyExpired(gone);
  if (expiresAt <= now) {
    const ago = now - expiresAt < 1000 ? 'just now' : `${formatDuration(now - expiresAt)} ago`;
    return `it expired ${ago}, as ${providerName}'s answer said it would`;
  }
  return `${providerName} removed it, though its answer gave it ${formatDuration(expiresAt - now)} more`;
}

/** What Run Again does instead, and that a paid provider bills the new job as it did the first. */
function runAgain({ providerName, billed }: Pick<GoneResult, 'providerName' | 'billed'>): string {
  return billed
    ? `Run Again sends a new job with the same request, which ${providerName} bills.`
    : 'Run Again makes a new job from the same request.';
}

/** The failure a user reads: what the server said, why, and what to do instead of downloading again. */
export function goneResultMessage(gone: GoneResult): string {
  return `The result file is no longer there (${gone.answer}); ${reason(gone)}. ${runAgain(gone)}`;
}

/** The failure a user reads for a job gone at its provider: why, and what to do instead of asking about it again. */
export function goneJobMessage(gone: GoneJob): string {
  const { providerName, answer, lifetimeMs } = gone;
  // the toast's title says "expired" already: the body says what the provider said, and why
  const why =
    lifetimeMs === undefined
      ? `${providerName} does not say how long it keeps jobs, so it has most likely expired`
      : `${providerName} keeps results for ${formatDuration(lifetimeMs)}, and this job's were not fetched in time`;
  return `${providerName} no longer has this job (${answer}): ${why}. ${runAgain(gone)}`;
}

export interface NotExpiredJob extends GoneJob {
  readonly lifetimeMs: number;
  /** Since the job was sent: less than `lifetimeMs`, so its results cannot have expired. */
  readonly ageMs: number;
  /** 404s in a row. */
  readonly answers: number;
  readonly remoteId?: string;
}

/**
 * A job its provider answered 404 about, again and again, before its results could have expired: not
 * "expired", and perhaps still there (Retry asks about the same job rather than sending a new one).
 */
export function notExpiredMessage(job: NotExpiredJob): string {
  const { providerName, billed, answer, lifetimeMs, ageMs, answers, remoteId } = job;
  const id = remoteId ? ` (its id there: ${remoteId})` : '';
  return (
    `${providerName} answered ${answers} times that it has no such job (${answer}), ${formatDuration(ageMs)} after it took it, ` +
    `though it keeps results for ${formatDuration(lifetimeMs)}. It may still have it${id}: Retry asks about the same job again; ` +
    `Run Again sends a new one${billed ? `, which ${providerName} bills` : ''}.`
  );
}

/** "HTTP 404: job not found or expired" out of "Checking the Bifrost job: HTTP 404: …": the step is the job's. */
export function httpAnswer(message: string): string {
  const at = message.indexOf('HTTP ');
  return at > 0 ? message.slice(at) : message;
}
