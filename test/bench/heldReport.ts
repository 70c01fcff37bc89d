// SubModel's held requests beside the engine as it is: requests per job (status ones, and all), lag
// relative and absolute (p95, p99), the most requests in flight at once against the documented
// concurrency limits (/status with /status-sync and /stream: 400; /runsync: 400), 429s, and the wall
// time of the batch (where /runsync's cost shows: its held submits keep later jobs waiting here).
import { mean, percent, pooled, printColumns, quantile, type Row } from './report';
import type { Schedule } from './targets';
import type { RateRule } from './timelines';

export function printHeldTable(limits: Readonly<Record<string, RateRule>>, rows: Row[], schedules: readonly Schedule[]): void {
  const engine = new Set(schedules.filter((schedule) => schedule.schedule === 'engine').map((schedule) => schedule.label));
  const shown = rows.filter((row) => engine.has(row.label));
  if (shown.length === 0) return;
  const peak = (row: Row, rule: string) => {
    const most = Math.max(...row.runs.map((run) => run.peakConcurrent?.[rule] ?? 0));
    return `${most} of ${limits[rule]?.concurrent ?? '∞'}`;
  };
  const header = [
    'engine',
    'status req/job',
    'all req/job',
    '429/job',
    'lag p95',
    'p99',
    'p95 (s)',
    'p99 (s)',
    'peak /status+sync',
    'peak /runsync',
    'detected',
    'wall',
  ];
  const lines = shown.map((row) => {
    const relative = pooled(row, 'relative');
    const absolute = pooled(row, 'absolute');
    return [
      row.label,
      mean(row.runs.map((run) => run.statusPerJob)).toFixed(2),
      mean(row.runs.map((run) => run.allPerJob)).toFixed(2),
      mean(row.runs.map((run) => run.refusedPerJob)).toFixed(2),
      percent(quantile(relative, 0.95)),
      percent(quantile(relative, 0.99)),
      (quantile(absolute, 0.95) / 1000).toFixed(2),
      (quantile(absolute, 0.99) / 1000).toFixed(2),
      peak(row, 'status'),
      peak(row, 'sync'),
      `${row.runs.reduce((sum, run) => sum + run.detected, 0)}/${row.runs.reduce((sum, run) => sum + run.jobs, 0)}`,
      `${mean(row.runs.map((run) => run.wallS)).toFixed(0)} s`,
    ];
  });
  console.log(
    "\nSubModel, held requests (status req/job counts /status and /status-sync; lag in seconds before the time scale; lag runs from the job's creation at the provider, so jobs kept waiting in the client (behind /runsync's held submits) show only in the wall time):",
  );
  printColumns(header, lines);
}
