// How a job reads in the tree and the status bar: pure functions of the record.
import {
  elapsedMs,
  imageCount,
  formatClock,
  formatElapsed,
  fullModelName,
  isCancelable,
  isRetryable,
  isTerminal,
  type JobRecord,
  type SavedAsset,
  type JobStatus,
  requestTitle,
  sendWaitOf,
  sendWaitText,
  submittingWord,
} from '../core/jobModel';
import { endedStateWord, localCancelNote } from '../core/jobs/localCancel';
import { providerInfo } from '../core/providers/catalog';
import { oneLine } from '../core/oneLine';

export const STATUS_ICONS: Record<JobStatus, { icon: string; colour?: string }> = {
  submitting: { icon: 'cloud-upload' },
  queued: { icon: 'clock' },
  running: { icon: 'sync~spin' },
  downloading: { icon: 'cloud-download' },
  succeeded: { icon: 'pass', colour: 'testing.iconPassed' },
  failed: { icon: 'error', colour: 'errorForeground' },
  cancelled: { icon: 'circle-slash' },
  expired: { icon: 'history', colour: 'problemsWarningIcon.foreground' },
};

/**
 * The job's state in a word or two: a submission held back says why ("rate limited", "waiting to send":
 * a sweep's cell waiting its turn, or room at the provider), one only stopped being tracked says so.
 */
export function stateWord(job: JobRecord): string {
  return job.status === 'submitting' ? submittingWord(job) : endedStateWord(job);
}

/**
 * The row's label: the state first, short, so it stays readable at the default sidebar width and the
 * prompt after it still shows (issue 12): "queued #2 · 0:07", "running 67% · 0:12", "1 image · 0:05",
 * "failed · 0:02" (the reason is in the tooltip, the failure toast and the log). A submission waiting
 * to be sent says so: "rate limited · 0:18", "submitting · 0:03 · ⚠ retrying" (until when: waitText).
 */
export function jobStateLabel(job: JobRecord, now: number): string {
  const elapsed = formatElapsed(elapsedMs(job, now)) + (job.credits !== undefined ? ` · ${job.credits} credits` : '');
  const retrying = job.warning ? ' · ⚠ retrying' : '';
  switch (job.status) {
    case 'submitting':
      return `${stateWord(job)} · ${elapsed}${sendWaitOf(job)?.rateLimited === false ? ' · ⚠ retrying' : ''}`;
    case 'queued': {
      const position = job.queuePosition ? ` #${job.queuePosition}${job.queueLength ? `/${job.queueLength}` : ''}` : '';
      return `queued${position} · ${elapsed}${retrying}`;
    }
    case 'running': {
      // no percentage until one is reported: a "0%" that never moves reads as stuck
      const progress = job.progress ? ` ${Math.round(job.progress * 100)}%` : '';
      return `running${progress} · ${elapsed}${retrying}`;
    }
    case 'succeeded':
      return `${job.assets.length} image${job.assets.length === 1 ? '' : 's'} · ${elapsed}`;
    case 'failed':
      return `failed · ${elapsed}`;
    default:
      // a job only stopped being tracked (no cancel at its provider) reads "stopped tracking", not "cancelled"
      return `${endedStateWord(job)} · ${elapsed}`;
  }
}

/** The prompt on one line: how notifications name a job. */
export function jobLabel(job: JobRecord): string {
  return oneLine(requestTitle(job.request), 60);
}

/**
 * Why an unfinished job waits and until when, when it does: "Rate limited by Serika: sending again at
 * 15:04:10" (a submission held back), or the problem its looks ran into.
 */
export function waitText(job: JobRecord): string | undefined {
  if (isTerminal(job.status)) return undefined;
  const wait = sendWaitOf(job);
  if (job.status === 'submitting' && wait) return sendWaitText(wait);
  if (job.status === 'submitting' && submittingWord(job) === 'waiting to send') return turnText(job);
  return job.warning;
}

/** What a submission waiting its turn waits for: the cells before it, or room within its provider's documented limits. */
function turnText(job: JobRecord): string {
  const provider = providerInfo(job.request.providerId).displayName;
  return job.sweep
    ? `Waiting its turn: a sweep's jobs go to ${provider} one after another, each once the one before is sent`
    : `Waiting for room at ${provider}: its documented limits on requests at once or per second are reached`;
}

/**
 * After the state, dimmed: the prompt, cut where the row ends; a submission held back leads with why
 * and until when, where the row shows it without a hover.
 */
export function jobDescription(job: JobRecord): string {
  const prompt = oneLine(requestTitle(job.request), 100);
  const wait = sendWaitOf(job);
  return job.status === 'submitting' && wait ? `${sendWaitText(wait)} · ${prompt}` : prompt;
}

/** What a screen reader says for the row: state (and why it failed or waits), prompt, model. */
export function jobAccessibilityLabel(job: JobRecord, now: number): string {
  const why = job.status === 'failed' ? job.error?.message : job.status === 'submitting' ? undefined : waitText(job);
  const reason = why ? `: ${asClause(why)}` : '';
  return `${jobStateLabel(job, now)}${reason}, ${jobDescription(job)}, ${fullModelName(job.request)}`;
}

/**
 * A message as a clause before a comma: its closing full stop goes, before or after a closing quote
 * (`…Set API Key".` would read `…Set API Key"., a red fox`), and so does trailing space.
 */
function asClause(message: string): string {
  return message.trim().replace(/\.(["'”’)\]]*)$/, '$1');
}

/** Tokens matched by `viewItem =~ /\btoken\b/` in package.json menus. */
export function jobContextValue(job: JobRecord): string {
  const tokens = ['job', `status-${job.status}`];
  if (isCancelable(job)) tokens.push('cancelable');
  if (isRetryable(job)) tokens.push('retryable');
  if (job.assets.length > 0) tokens.push('hasResult');
  if (!isCancelable(job)) tokens.push('removable');
  if (isTerminal(job.status)) tokens.push('finished');
  if (isTerminal(job.status) && takesNewSeed(job)) tokens.push('reseedable');
  return tokens.join(' ');
}

/** SubModel sends the prompt alone, and an upscale has no seed: a new seed would change nothing. */
export function takesNewSeed(job: JobRecord): boolean {
  return job.request.providerId !== 'submodel' && job.request.operation?.kind !== 'upscale';
}

const THUMBNAIL_PX = 192;

/** VS Code's Markdown image with a size (`![alt](uri|width=…,height=…)`), at most THUMBNAIL_PX a side. */
export function thumbnailMarkdown(uri: string, asset: SavedAsset): string {
  const { width, height } = asset;
  if (!width || !height) return `![first image](${uri}|width=${THUMBNAIL_PX})`;
  const scale = Math.min(1, THUMBNAIL_PX / Math.max(width, height));
  return `![first image](${uri}|width=${Math.round(width * scale)},height=${Math.round(height * scale)})`;
}

/** The first saved image, when it is one the hover can show. */
export function thumbnailAsset(job: JobRecord): SavedAsset | undefined {
  const first = job.assets[0];
  return first?.mimeType.startsWith('image/') ? first : undefined;
}

/** Text shown as is in Markdown: its punctuation escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** `thumbnailUri`: the URI of thumbnailAsset(job), shown above the details. */
export function jobTooltipMarkdown(job: JobRecord, thumbnailUri?: string): string {
  const { params } = job.request;
  const thumbnail = thumbnailAsset(job);
  const rows = [
    ...(thumbnail && thumbnailUri ? [thumbnailMarkdown(thumbnailUri, thumbnail), ''] : []),
    `**${stateWord(job)}** — ${fullModelName(job.request)}`,
    '',
    escapeMarkdown(job.request.prompt),
    '',
    (params.width !== undefined && params.height !== undefined ? `${params.width}×${params.height} · ` : '') +
      `${job.status === 'succeeded' ? '' : 'asked for '}${imageCount(params)} image${imageCount(params) === 1 ? '' : 's'}` +
      (params.seed !== undefined ? ` · seed ${params.seed}` : '') +
      (params.steps !== undefined ? ` · ${params.steps} steps` : ''),
    '',
    // the same prompt run ten times makes ten rows alike: when each was made tells them apart
    `Made at ${formatClock(job.createdAt)} · local id \`${job.id}\``,
  ];
  if (job.remoteId) rows.push('', `Provider job: \`${job.remoteId}\``);
  if (job.error) rows.push('', `$(error) ${job.error.message}`);
  const waiting = waitText(job);
  if (waiting) rows.push('', `$(warning) ${waiting}`);
  const stoppedTracking = localCancelNote(job);
  if (stoppedTracking) rows.push('', `$(warning) ${escapeMarkdown(stoppedTracking)}`);
  for (const asset of job.assets) rows.push('', `$(file-media) ${asset.path}`);
  return rows.join('\n');
}
