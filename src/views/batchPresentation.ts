// How a sweep's batch reads in the Jobs view: its row (the cells' states counted, elapsed time, what
// was swept) and its cells' rows (each cell's values): pure functions of the job records.
import { formatClock, formatElapsed, fullModelName, isTerminal, type JobRecord } from '../core/jobModel';
import { batchStartedAt, cellIndex } from '../core/jobs/jobBatches';
import { escapeMarkdown, STATUS_ICONS } from './jobPresentation';
import { oneLine } from '../core/oneLine';
import { fileNameOf } from '../core/results/sourceImage';

export interface BatchSummary {
  /** The jobs listed: the cells still in the Jobs view, not all the sweep made. */
  readonly total: number;
  /** The sweep's cells, listed or not: its shape's product. */
  readonly cells: number;
  /** Cells no job in the list stands for: cleared (Clear Finished, Remove), their images still on disk. */
  readonly cleared: number;
  readonly active: number;
  readonly succeeded: number;
  /** Failed or expired: ended without a result, by the provider's or the engine's hand. */
  readonly failed: number;
  readonly cancelled: number;
  readonly images: number;
}

export function summarizeBatch(jobs: readonly JobRecord[]): BatchSummary {
  let [active, succeeded, failed, cancelled, images] = [0, 0, 0, 0, 0];
  for (const job of jobs) {
    if (!isTerminal(job.status)) active++;
    else if (job.status === 'succeeded') succeeded++;
    else if (job.status === 'cancelled') cancelled++;
    else failed++;
    images += job.assets.length;
  }
  const shape = jobs[0]?.sweep?.shape ?? [];
  const cells = shape.length > 0 ? shape.reduce((product, size) => product * size, 1) : jobs.length;
  const listed = new Set(jobs.flatMap((job) => (job.sweep ? [cellIndex(job.sweep)] : []))).size;
  return { total: jobs.length, cells, cleared: Math.max(0, cells - listed), active, succeeded, failed, cancelled, images };
}

/**
 * The batch row's label, state first as a job's: "7/18 done · 1 failed" while cells run (no running
 * time: the row would refresh every second, and with it all its rows), "18 images · 1:05" or
 * "16 images · 2 failed · 1:05" once none does. Once cells were cleared from the list it counts the
 * listed ones and says how many went ("2 failed · 2 cleared · 1:05"): "0 images" would deny the
 * images the cleared cells made.
 */
export function batchStateLabel(jobs: readonly JobRecord[], now: number): string {
  const summary = summarizeBatch(jobs);
  const started = batchStartedAt(jobs);
  const ended = Math.max(...jobs.map((job) => job.finishedAt ?? now));
  const problems = [
    summary.failed ? `${summary.failed} failed` : '',
    summary.cancelled && summary.active === 0 ? `${summary.cancelled} cancelled` : '',
    summary.cleared ? `${summary.cleared} cleared` : '',
  ].filter(Boolean);
  const head = summary.active > 0 ? `${summary.total - summary.active}/${summary.total} done` : imagesMade(summary);
  return [head, ...problems, ...(summary.active > 0 ? [] : [formatElapsed(ended - started)])].filter(Boolean).join(' · ');
}

/** "16 images"; nothing once cells were cleared and none listed made one: "0 images" would deny theirs. */
function imagesMade({ images, cleared }: BatchSummary): string {
  return images > 0 || cleared === 0 ? `${images} image${images === 1 ? '' : 's'}` : '';
}

/**
 * The toast once every listed cell has ended: "Sweep of 4 jobs done: 3 images, 1 failed". A retry
 * after Clear Finished ends a batch whose other cells are gone from the list: it names them as cleared
 * rather than counting their images as none.
 */
export function batchEndedMessage(summary: BatchSummary): string {
  const parts = [
    imagesMade(summary),
    summary.failed ? `${summary.failed} failed` : '',
    summary.cancelled ? `${summary.cancelled} cancelled` : '',
    summary.cleared ? `${summary.cleared} cleared from the list before` : '',
  ];
  return `Sweep of ${summary.cells} jobs done: ${parts.filter(Boolean).join(', ')}`;
}

/** What a batch was made from: its prompt file's name, else its prompt, quoted and cut to `max`. */
function batchSource(job: JobRecord, max: number): string {
  const file = job.source.kind === 'promptFile' ? fileNameOf(job.source.uri) : '';
  return file || `"${oneLine(job.request.prompt, max)}"`;
}

/**
 * After the state, dimmed: what the batch was made from, what was swept and when it started,
 * "hills.prompt · sweep 3 × 3 × 2: seed × cfgScale × place · 21:52:06". Two runs of one file read
 * alike but for the time, runs of two files by the file; under its file's group (grouped view) the
 * file goes without saying.
 */
export function batchDescription(jobs: readonly JobRecord[], { grouped = false }: { readonly grouped?: boolean } = {}): string {
  const first = jobs[0];
  if (!first?.sweep) return '';
  const source = grouped && first.source.kind === 'promptFile' ? [] : [batchSource(first, 24)];
  const cell = first.sweep;
  // two runs of one file often start within the minute: to the second, as the jobs' hovers and messages give times
  return [...source, `sweep ${cell.shape.join(' × ')}: ${cell.keys.join(' × ')}`, formatClock(batchStartedAt(jobs))].join(' · ');
}

/**
 * How a confirmation names a batch: its prompt file (or its prompt) and what was swept,
 * `hills.prompt (seed × place, 2 × 2)`.
 */
export function batchName(jobs: readonly JobRecord[]): string {
  const first = jobs[0];
  if (!first) return 'the batch';
  const source = batchSource(first, 40);
  const cell = first.sweep;
  return cell ? `${source} (${cell.keys.join(' × ')}, ${cell.shape.join(' × ')})` : source;
}

/** Spinning while cells run; a warning once some ended without a result; the pass mark when all made one. */
export function batchIcon(summary: BatchSummary): { icon: string; colour?: string } {
  if (summary.active > 0) return STATUS_ICONS.running;
  if (summary.failed > 0) return { icon: 'warning', colour: 'problemsWarningIcon.foreground' };
  return summary.succeeded === summary.total ? STATUS_ICONS.succeeded : STATUS_ICONS.cancelled;
}

/** Tokens matched by `viewItem =~ /\bbatchCancelable\b/` in package.json menus (apart from a job's). */
export function batchContextValue(summary: BatchSummary): string {
  const tokens = ['jobBatch'];
  if (summary.active > 0) tokens.push('batchCancelable');
  if (summary.failed + summary.cancelled > 0) tokens.push('batchRetryable');
  if (summary.active === 0) tokens.push('batchRemovable');
  return tokens.join(' ');
}

/**
 * The values each swept key took, in order, read from the cells listed: a cell carries only its own
 * values, so a value whose cells were all cleared from the list is unknown (undefined) but keeps its place.
 */
export function sweptValues(jobs: readonly JobRecord[]): { readonly key: string; readonly values: readonly (string | undefined)[] }[] {
  const first = jobs[0]?.sweep;
  if (!first) return [];
  return first.keys.map((key, axis) => {
    // filled, not `new Array(n)`: map skips a sparse array's holes, and they joined as nothing
    const values = Array.from<string | undefined>({ length: first.shape[axis]! });
    for (const job of jobs) if (job.sweep) values[job.sweep.position[axis]!] = String(job.sweep.values[axis]);
    return { key, values };
  });
}

const CLEARED_VALUE = '*cleared*';

export function batchTooltipMarkdown(jobs: readonly JobRecord[]): string {
  const summary = summarizeBatch(jobs);
  const models = [...new Set(jobs.map((job) => fullModelName(job.request)))];
  const counts = [
    summary.active ? `${summary.active} unfinished` : '',
    summary.succeeded ? `${summary.succeeded} succeeded` : '',
    summary.failed ? `${summary.failed} failed` : '',
    summary.cancelled ? `${summary.cancelled} cancelled` : '',
  ].filter(Boolean);
  const listed = summary.cleared
    ? [`${summary.cells - summary.cleared} of ${summary.cells} cells listed; the rest were cleared (their images stay on disk)`, '']
    : [];
  return [
    `**Sweep of ${summary.cells} job${summary.cells === 1 ? '' : 's'}** — ${models.map(escapeMarkdown).join(', ')}`,
    '',
    ...listed,
    counts.join(' · '),
    '',
    ...sweptValues(jobs)
      .map(
        ({ key, values }) =>
          `${escapeMarkdown(key)}: ${values.map((value) => (value === undefined ? CLEARED_VALUE : escapeMarkdown(value))).join(', ')}`,
      )
      .flatMap((line) => [line, '']),
    `Batch: \`${jobs[0]?.sweep?.batchId ?? ''}\``,
  ].join('\n');
}
