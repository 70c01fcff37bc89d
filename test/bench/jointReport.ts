// Whether issue 13's targets for a blind provider can be met together by any blind client: within
// 1.1× of the relative-only optimum at the same p95 lag, no more absolute p95 lag than the 2 s loop, and
// fewer requests than it. The exact joint optimum (jointOptimum.ts) on each run's own durations, over
// a grid of relative lags, answers it; printed under the SubModel table.
import { jointOptimum } from './jointOptimum';
import { landedAbsoluteP95, landedP95, mean, percent, statusPerJob, type ExtraColumn, type Row, type SeedRun } from './report';

/** Relative p95 lags tried: 1% to 30% in half-percent steps. */
const LAGS = Array.from({ length: 59 }, (_, i) => 0.01 + 0.005 * i);
const NEAR = 1.1;

/** The table's column: on each run's durations, the fewest requests per job of any blind schedule within the row's landed relative p95 and the 2 s loop's landed absolute p95. */
export function jointColumn(every2s: Row): ExtraColumn {
  // the loop's lags count to its looks, as a blind schedule's count to its polls
  const absoluteMs = landedAbsoluteP95(every2s);
  return {
    header: `blind optimum there AND abs p95 ≤ ${(absoluteMs / 1000).toFixed(2)} s (2 s loop's, landed)`,
    cell: (row) => {
      const limits = { relative: landedP95(row), absolute: absoluteMs };
      return mean(row.runs.map((run) => jointOptimum(run.durationsMs, limits).requestsPerJob)).toFixed(1);
    },
  };
}

export interface LagPoint {
  readonly lag: number;
  /** Means over the seeds: the relative lag, the joint optimum there, and its ratio to the relative-only one. */
  readonly requests: number;
  readonly ratio: number;
}

/** The joint optimum and its ratio to the relative-only optimum at a relative lag per run, over the row's seeds. */
function jointPoint(row: Row, absoluteMs: number, lagOf: (run: SeedRun) => number): LagPoint {
  const perSeed = row.runs.map((run) => {
    const relative = lagOf(run);
    const joint = jointOptimum(run.durationsMs, { relative, absolute: absoluteMs }).requestsPerJob;
    return { relative, joint, ratio: joint / jointOptimum(run.durationsMs, { relative, absolute: Infinity }).requestsPerJob };
  });
  const over = (key: 'relative' | 'joint' | 'ratio') => mean(perSeed.map((seed) => seed[key]));
  return { lag: over('relative'), requests: over('joint'), ratio: over('ratio') };
}

/** Lags on the grid as ranges of neighbours: "4.0%–7.0%, 8.5%". */
function ranges(points: readonly LagPoint[]): string {
  const spans: [number, number][] = [];
  for (const { lag } of points) {
    const last = spans[spans.length - 1];
    if (last && lag - last[1] < 0.0051) last[1] = lag;
    else spans.push([lag, lag]);
  }
  return spans.map(([from, to]) => (from === to ? percent(from) : `${percent(from)}–${percent(to)}`)).join(', ');
}

/** One line per engine row: the relative lags at which a blind schedule meets all three targets, if any. */
export function printJointFeasibility(engineRows: readonly Row[], every2s: Row): void {
  const absoluteMs = landedAbsoluteP95(every2s);
  const loopRequests = statusPerJob(every2s);
  console.log(
    `Both targets at once, for ANY blind schedule knowing the batch's durations (exact DP, jointOptimum.ts; each run's own ` +
      `durations, mean of the seeds): absolute p95 ≤ the 2 s loop's ${(absoluteMs / 1000).toFixed(2)} s (where its looks landed), fewer status requests ` +
      `than its ${loopRequests.toFixed(1)}/job, and within ${NEAR}× of the relative-only optimum at the same relative p95:`,
  );
  for (const row of engineRows) {
    const curve = LAGS.map((lag) => jointPoint(row, absoluteMs, () => lag));
    const cheaper = curve.filter((point) => point.requests < loopRequests);
    const feasible = cheaper.filter((point) => point.ratio <= NEAR);
    const fewest = (points: readonly LagPoint[], key: 'requests' | 'ratio') =>
      points.reduce<LagPoint | undefined>((best, point) => (!best || point[key] < best[key] ? point : best), undefined);
    const own = jointPoint(row, absoluteMs, () => landedP95(row));
    const at = (point: LagPoint) => `${percent(point.lag)}, ${point.requests.toFixed(1)} req/job, ${point.ratio.toFixed(2)}×`;
    const lowest = fewest(cheaper, 'ratio');
    const verdict = feasible.length
      ? `POSSIBLE at relative p95 ${ranges(feasible)} (fewest requests there: ${at(fewest(feasible, 'requests')!)})`
      : `IMPOSSIBLE: the lowest ratio among schedules cheaper than the loop is ${lowest ? at(lowest) : 'none (none is cheaper)'}`;
    const atOwn = `${own.requests.toFixed(1)} req/job, ${own.ratio.toFixed(2)}× the relative-only one`;
    console.log(`  ${row.label}: ${verdict}; at its own landed p95 (${percent(own.lag)}) the joint optimum makes ${atOwn}`);
  }
}
