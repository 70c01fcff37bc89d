// How a job reads in the tree and the status bar: pure functions of the record.
import {
  elapsedMs,
  imageCount,
  formatElapsed,
  fullModelName,
  isCancelable,
  isRetryable,
  type JobRecord,
  type JobStatus,
} from '../core/jobModel';

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

export function jobLabel(job: JobRecord): string {
  const text = job.request.prompt.replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export function jobDescription(job: JobRecord, now: number): string {
  const elapsed = formatElapsed(elapsedMs(job, now)) + (job.credits !== undefined ? ` · ${job.credits} credits` : '');
  switch (job.status) {
    case 'queued': {
      const position = job.queuePosition ? ` #${job.queuePosition}${job.queueLength ? `/${job.queueLength}` : ''}` : '';
      return `queued${position} · ${elapsed}${job.warning ? ' · ⚠ retrying' : ''}`;
    }
    case 'running': {
      const progress = job.progress !== undefined ? ` ${Math.round(job.progress * 100)}%` : '';
      return `running${progress} · ${elapsed}${job.warning ? ' · ⚠ retrying' : ''}`;
    }
    case 'succeeded':
      return `${job.assets.length} image${job.assets.length === 1 ? '' : 's'} · ${elapsed}`;
    case 'failed':
      return `failed · ${job.error?.message ?? 'unknown error'}`;
    default:
      return `${job.status} · ${elapsed}`;
  }
}

/** Tokens matched by `viewItem =~ /\btoken\b/` in package.json menus. */
export function jobContextValue(job: JobRecord): string {
  const tokens = ['job', `status-${job.status}`];
  if (isCancelable(job)) tokens.push('cancelable');
  if (isRetryable(job)) tokens.push('retryable');
  if (job.assets.length > 0) tokens.push('hasResult');
  if (!isCancelable(job)) tokens.push('removable');
  return tokens.join(' ');
}

export function jobTooltipMarkdown(job: JobRecord): string {
  const { params } = job.request;
  const rows = [
    `**${job.status}** — ${fullModelName(job.request)}`,
    '',
    job.request.prompt.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&'),
    '',
    (params.width !== undefined && params.height !== undefined ? `${params.width}×${params.height} · ` : '') +
      `${imageCount(params)} image${imageCount(params) === 1 ? '' : 's'}` +
      (params.seed !== undefined ? ` · seed ${params.seed}` : '') +
      (params.steps !== undefined ? ` · ${params.steps} steps` : ''),
    '',
    `Job: \`${job.id}\``,
  ];
  if (job.remoteId) rows.push('', `Provider job: \`${job.remoteId}\``);
  if (job.error) rows.push('', `$(error) ${job.error.message}`);
  if (job.warning) rows.push('', `$(warning) ${job.warning}`);
  for (const asset of job.assets) rows.push('', `$(file-media) ${asset.path}`);
  return rows.join('\n');
}
