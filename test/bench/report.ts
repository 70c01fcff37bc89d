// The bench's tables: per schedule, the seeds pooled (lag quantiles over every job of every seed) or
// averaged (requests, CPU, memory), and the blind optimum at the schedule's own p95 lag, per seed.
import type { ClientReport, MemoryParts } from './client';
import type { BlindOptimum } from './blindOptimum';

/** One schedule on one seed. */
export interface SeedRun {
  readonly statusPerJob: number;
  /** Where the server tells them apart (Serika): GETs for a result a list showed ready, not counted above. */
  readonly resultPerJob?: number;
  /** Every request the provider saw, submits and refused ones included. */
  readonly allPerJob: number;
  readonly refusedPerJob: number;
  /** Relative lags (of each job's duration, submit to done) and absolute ones in real ms. */
  readonly relative: number[];
  readonly absolute: number[];
  /** The blind optimum at this run's own p95 lag, on this run's durations. */
  readonly optimum: BlindOptimum;
  readonly cpuMs: number;
  readonly rssGrowthMb: number;
  readonly baseline: MemoryParts;
  readonly peak: MemoryParts;
  readonly detected: number;
  readonly jobs: number;
  readonly errors: number;
  readonly wallS: number;
}

export interface Row {
  readonly label: string;
  readonly runs: SeedRun[];
}

export function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const pooled = (row: Row, key: 'relative' | 'absolute') => row.runs.flatMap((run) => run[key]).sort((a, b) => a - b);

export function relativeP95(row: Row): number {
  return quantile(pooled(row, 'relative'), 0.95);
}
export function statusPerJob(row: Row): number {
  return mean(row.runs.map((run) => run.statusPerJob));
}
export function rssGrowthMb(row: Row): number {
  return Math.max(...row.runs.map((run) => run.rssGrowthMb));
}
/** Requests per job over the blind optimum at the same p95 lag, averaged over the seeds. */
export function overOptimum(row: Row): number {
  return mean(row.runs.map((run) => run.statusPerJob / run.optimum.achievable));
}

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
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
    'blind optimum at its p95',
    '× optimum',
    'client CPU',
    'peak RSS',
    'RSS for jobs',
    'detected',
    'wall',
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
      achievable - lower < 0.05 ? achievable.toFixed(1) : `${lower.toFixed(1)}–${achievable.toFixed(1)}`,
      `${overOptimum(row).toFixed(2)}×`,
      `${(mean(row.runs.map((run) => run.cpuMs)) / 1000).toFixed(1)} s`,
      `${Math.max(...row.runs.map((run) => run.peak.rssMb)).toFixed(0)} MB`,
      `${rssGrowthMb(row).toFixed(0)} MB`,
      `${row.runs.reduce((sum, run) => sum + run.detected, 0)}/${row.runs.reduce((sum, run) => sum + run.jobs, 0)}`,
      `${mean(row.runs.map((run) => run.wallS)).toFixed(0)} s`,
    ];
  });
  const widths = header.map((cell, i) => Math.max(cell.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
}

/** Where each schedule's RSS growth went (first seed), and how much of the engine's heap the jobs hold. */
export function printMemory(rows: Row[], live: NonNullable<ClientReport['liveHeap']>, jobs: number): void {
  const growth = (from: number, to: number) => `${to - from >= 0 ? '+' : ''}${(to - from).toFixed(0)}`;
  console.log(`RSS growth by part, first seed (MB; young and old generation as committed by V8, the rest outside its heap):`);
  for (const { label, runs } of rows) {
    const { baseline, peak } = runs[0]!;
    console.log(
      `  ${label}: young ${growth(baseline.youngMb, peak.youngMb)}, old ${growth(baseline.oldMb, peak.oldMb)}, other ${growth(baseline.otherMb, peak.otherMb)}`,
    );
  }
  console.log(
    `heap the engine keeps alive (after a full GC, once all ${jobs} jobs are submitted, ${live.jobsInFlight} of them unfinished): ${(live.withJobsMb - live.beforeMb).toFixed(1)} MB (${live.beforeMb.toFixed(1)} → ${live.withJobsMb.toFixed(1)} MB); the rest of the growth is garbage not yet collected and the room V8 keeps for it`,
  );
}
