// The bench's tables: per schedule, the seeds pooled (lag quantiles over every job of every seed) or
// averaged (requests, CPU, memory), and the blind optimum on each seed's durations at the schedule's
// p95 lag (pooled, as in its p95 column).
import type { MemoryParts } from './client';
import { blindOptimum, type BlindOptimum } from './blindOptimum';
import { median } from './memoryFigures';

/** One schedule on one seed. */
export interface SeedRun {
  readonly statusPerJob: number;
  /** Where the server tells them apart (Serika): GETs for a result a list showed ready, not counted above. */
  readonly resultPerJob?: number;
  /** Every request the provider saw, submits and refused ones included. */
  readonly allPerJob: number;
  readonly refusedPerJob: number;
  /** Relative lags (of each job's duration, submit to done) and absolute ones in real ms, as the client detected them. */
  readonly relative: number[];
  readonly absolute: number[];
  /**
   * The same lags where the look that saw each job done landed at the provider (timelines.ts,
   * `seenDoneAt`): the blind optimum's own terms, which count a poll as seeing a job when it lands.
   * Detection adds the answer's way back and the client's handling of it, the same for any schedule,
   * and at a compressed time scale its real milliseconds count several times over.
   */
  readonly landed: { readonly relative: number[]; readonly absolute: number[] };
  /** The blind optimum on this run's durations, at the landed p95 lag of its schedule's row (every seed's jobs). */
  readonly optimum: BlindOptimum;
  /** Each job's submit-to-done time in real ms, for the joint optimum (jointReport.ts). */
  readonly durationsMs: number[];
  readonly cpuMs: number;
  readonly rssGrowthMb: number;
  readonly baseline: MemoryParts;
  readonly peak: MemoryParts;
  readonly detected: number;
  readonly jobs: number;
  readonly errors: number;
  readonly wallS: number;
  /** Event-loop delay p99 (real ms) of the client and of the process serving it. */
  readonly loopDelayP99Ms: { readonly client: number; readonly server: number };
  /** Most requests in flight at once, by rate-limit rule (heldReport.ts). */
  readonly peakConcurrent?: Readonly<Record<string, number>>;
}

/**
 * A loop delayed by more than this share of the engine's shortest interval (500 ms, time-scaled) means
 * the machine starved the run of CPU: its lags measure the machine, not the schedule.
 */
const STARVED_SHARE = 0.2;

/** Runs whose client or server loop was starved of CPU, as a line to print under the table. */
export function starvedRuns(rows: Row[], shortestIntervalMs: number): string | undefined {
  const limit = STARVED_SHARE * shortestIntervalMs;
  const starved = rows.flatMap((row) =>
    row.runs.filter((run) => Math.max(run.loopDelayP99Ms.client, run.loopDelayP99Ms.server) > limit).map(() => row.label),
  );
  if (!starved.length) return undefined;
  return `WARNING: ${starved.length} run(s) had an event-loop delay p99 above ${limit.toFixed(0)} ms (${[...new Set(starved)].join('; ')}): the machine was short of CPU, so their lags are not the schedule's. Rerun on a quiet machine, or raise BENCH_TIME_SCALE.`;
}

export interface Row {
  readonly label: string;
  readonly runs: SeedRun[];
}

export function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

export const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** A share as a percentage with one decimal: 0.063 → "6.3%". */
export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
/** A row, or its seeds before their optimum is known: what the lag figures are read from. */
type Lags = { readonly runs: readonly Pick<SeedRun, 'relative' | 'absolute' | 'landed'>[] };

export const pooled = (row: Lags, key: 'relative' | 'absolute') => row.runs.flatMap((run) => run[key]).sort((a, b) => a - b);
/** Where the looks landed, every seed's jobs: what a row is compared with blind schedules at. */
export const pooledLanded = (row: Lags, key: 'relative' | 'absolute') => row.runs.flatMap((run) => run.landed[key]).sort((a, b) => a - b);

export function relativeP95(row: Lags): number {
  return quantile(pooled(row, 'relative'), 0.95);
}
/** The relative p95 of where the looks that saw the jobs done landed: the blind optimum is read there. */
export function landedP95(row: Lags): number {
  return quantile(pooledLanded(row, 'relative'), 0.95);
}
/** Absolute p95 lag in real ms. */
export function absoluteP95(row: Row): number {
  return quantile(pooled(row, 'absolute'), 0.95);
}
/** The same where the looks landed (timelines.ts, `seenDoneAt`). */
export function landedAbsoluteP95(row: Row): number {
  return quantile(pooledLanded(row, 'absolute'), 0.95);
}
export function statusPerJob(row: Row): number {
  return mean(row.runs.map((run) => run.statusPerJob));
}
/** Context only, as a median of the seeds' runs: RSS is mostly V8 sizing its heap (memory.ts has the jobs' share). */
export function rssGrowthMb(row: Row): number {
  return median(row.runs.map((run) => run.rssGrowthMb));
}
/**
 * Requests per job over the blind optimum's at the row's landed p95 lag, both averaged over the seeds. Not
 * each seed at its own p95: that is the 10th latest of 200 jobs, it moves by ±1.5 points from seed to
 * seed, and the optimum is steep there (10 requests a job at 8.5%, 14 at 6%), so the mean of those
 * ratios rose with the noise: in one run the engine's seeds read 1.08–1.16×, 1.11× on average, and
 * the same seeds at the row's p95 1.04× (across runs a seed read 0.90–1.26×).
 */
export function overOptimum(row: Row): number {
  return statusPerJob(row) / mean(row.runs.map((run) => run.optimum.achievable));
}

/** A row's seeds, each with the blind optimum on its durations at the row's landed p95 (every seed's jobs pooled). */
export function withRowOptimum(runs: readonly Omit<SeedRun, 'optimum'>[]): SeedRun[] {
  const p95 = landedP95({ runs });
  return runs.map((run) => ({ ...run, optimum: blindOptimum(run.durationsMs, p95) }));
}

/** A column a target adds after '× optimum' (the joint optimum, for a blind provider). */
export interface ExtraColumn {
  readonly header: string;
  readonly cell: (row: Row) => string;
}

export function printTable(title: string, rows: Row[], extra?: ExtraColumn): void {
  console.log(`\n${title}`);
  const header = [
    'schedule',
    'status req/job (seeds)',
    'all req/job',
    '429/job',
    'lag p50',
    'p95',
    'p99',
    'max',
    'p95 (s)',
    'landed p95',
    'blind optimum there',
    '× optimum',
    ...(extra ? [extra.header] : []),
    'client CPU',
    'peak RSS (median)',
    'RSS growth (median)',
    'detected',
    'wall',
    'loop p99 ms',
  ];
  const lines = rows.map((row) => {
    const relative = pooled(row, 'relative');
    const status = row.runs.map((run) => run.statusPerJob);
    const lower = mean(row.runs.map((run) => run.optimum.lowerBound));
    const achievable = mean(row.runs.map((run) => run.optimum.achievable));
    return [
      row.label,
      `${statusPerJob(row).toFixed(1)} (${Math.min(...status).toFixed(1)}–${Math.max(...status).toFixed(1)})`,
      mean(row.runs.map((run) => run.allPerJob)).toFixed(1),
      mean(row.runs.map((run) => run.refusedPerJob)).toFixed(1),
      percent(quantile(relative, 0.5)),
      percent(quantile(relative, 0.95)),
      percent(quantile(relative, 0.99)),
      percent(relative[relative.length - 1] ?? NaN),
      (quantile(pooled(row, 'absolute'), 0.95) / 1000).toFixed(2),
      percent(landedP95(row)),
      achievable - lower < 0.05 ? achievable.toFixed(1) : `${lower.toFixed(1)}–${achievable.toFixed(1)}`,
      `${overOptimum(row).toFixed(2)}×`,
      ...(extra ? [extra.cell(row)] : []),
      `${(mean(row.runs.map((run) => run.cpuMs)) / 1000).toFixed(1)} s`,
      `${median(row.runs.map((run) => run.peak.rssMb)).toFixed(0)} MB`,
      `${rssGrowthMb(row).toFixed(0)} MB`,
      `${row.runs.reduce((sum, run) => sum + run.detected, 0)}/${row.runs.reduce((sum, run) => sum + run.jobs, 0)}`,
      `${mean(row.runs.map((run) => run.wallS)).toFixed(0)} s`,
      `${Math.max(...row.runs.map((run) => run.loopDelayP99Ms.client)).toFixed(0)}/${Math.max(...row.runs.map((run) => run.loopDelayP99Ms.server)).toFixed(0)}`,
    ];
  });
  printColumns(header, lines);
}

/** A table: the first column left-aligned, the others right-aligned, a rule under the header. */
export function printColumns(header: string[], lines: string[][]): void {
  const widths = header.map((cell, i) => Math.max(cell.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

/** Where each schedule's RSS growth went (first seed); what the jobs keep alive is measured apart (memory.ts). */
export function printMemory(rows: Row[]): void {
  const growth = (from: number, to: number) => `${to - from >= 0 ? '+' : ''}${(to - from).toFixed(0)}`;
  console.log(`RSS growth by part, first seed (MB; young and old generation as committed by V8, the rest outside its heap):`);
  for (const { label, runs } of rows) {
    const { baseline, peak } = runs[0]!;
    console.log(
      `  ${label}: young ${growth(baseline.youngMb, peak.youngMb)}, old ${growth(baseline.oldMb, peak.oldMb)}, other ${growth(baseline.otherMb, peak.otherMb)}`,
    );
  }
}
