// What the relative-only blind optimum owes to knowing its batch's durations, not only the distribution
// they are drawn from. Its polls sit at D_k(1 + ℓ) for the durations it was fitted to, and where those
// had no job it leaves stretches of duration uncovered; a client can only fit a schedule to jobs it has
// already seen. So: fit the optimum to the other seeds' batches together (400 jobs at the default 3
// seeds), poll each seed's batch with it (the same distribution, other draws), and see what lag it
// reaches. Not the best schedule knowing only the distribution (fitted to more jobs, or with a margin,
// it would do better), but what the in-sample figure owes to fitting its own sample.
import { jointOptimum } from './jointOptimum';
import { landedP95, mean, percent, quantile, statusPerJob, type Row } from './report';

export interface PolledBatch {
  readonly requestsPerJob: number;
  /** Each job's lag relative to its duration; Infinity for a job that ends after the last poll. */
  readonly relativeLags: number[];
  /** Jobs seen by D(1 + ℓ), the optimum's own test of coverage. */
  readonly seenWithinLag: number;
}

/**
 * A blind schedule (poll times after submission, sorted) on a batch: a job costs every poll before it
 * ended and the one that sees it; one that ends after the last poll costs every poll and one more look,
 * and is counted as never seen in time.
 */
export function pollBatch(durations: readonly number[], polls: readonly number[], lag: number): PolledBatch {
  let requests = 0;
  let seenWithinLag = 0;
  const relativeLags = durations.map((duration) => {
    const seeing = polls.findIndex((poll) => poll >= duration);
    requests += seeing < 0 ? polls.length + 1 : seeing + 1;
    if (seeing < 0) return Infinity;
    if (polls[seeing]! <= duration * (1 + lag)) seenWithinLag++;
    return (polls[seeing]! - duration) / duration;
  });
  return { requestsPerJob: requests / durations.length, relativeLags, seenWithinLag };
}

export interface FittedElsewhere {
  /** The row's pooled relative p95, which the optimum is fitted at. */
  readonly lag: number;
  /** Requests per job on the batches it was not fitted to, the mean of the seeds. */
  readonly requestsPerJob: number;
  /** The p95 of their lags, pooled over the seeds as the row's is. */
  readonly relativeP95: number;
  /** Share of their jobs seen within `lag` (of the jobs it was fitted to, at least 95%). */
  readonly seenWithinLag: number;
  /** The same optimum fitted to each seed's own batch: requests per job, the mean of the seeds. */
  readonly inSampleRequestsPerJob: number;
}

/** Each seed's batch polled by the relative-only optimum at the row's landed p95, fitted to the other seeds' batches together. */
export function fittedElsewhere(row: Row): FittedElsewhere | undefined {
  if (row.runs.length < 2) return undefined;
  const lag = landedP95(row);
  const relativeOnly = (durations: readonly number[]) => jointOptimum(durations, { relative: lag, absolute: Infinity });
  const polled = row.runs.map((run) => {
    const others = row.runs.filter((other) => other !== run).flatMap((other) => other.durationsMs);
    return pollBatch(run.durationsMs, relativeOnly(others).polls, lag);
  });
  const lags = polled.flatMap((batch) => batch.relativeLags).sort((a, b) => a - b);
  return {
    lag,
    requestsPerJob: mean(polled.map((batch) => batch.requestsPerJob)),
    relativeP95: quantile(lags, 0.95),
    seenWithinLag: polled.reduce((seen, batch) => seen + batch.seenWithinLag, 0) / lags.length,
    inSampleRequestsPerJob: mean(row.runs.map((run) => relativeOnly(run.durationsMs).requestsPerJob)),
  };
}

/** One line per engine row with two seeds or more, under the SubModel table. */
export function printFittedElsewhere(engineRows: readonly Row[]): void {
  const fitted = engineRows.flatMap((row) => {
    const result = fittedElsewhere(row);
    return result ? [{ row, result }] : [];
  });
  if (!fitted.length) return;
  console.log(
    "The relative-only blind optimum knows each batch's durations, not only their distribution. Fitted at an engine row's landed p95 " +
      "to the other seeds' batches together (on those, it sees at least 95% of jobs within that lag) and polled on each seed's " +
      'own (sampleFit.ts), its schedule makes',
  );
  for (const { row, result } of fitted)
    console.log(
      `  ${row.label}: ${result.requestsPerJob.toFixed(1)} req/job at a p95 of ${percent(result.relativeP95)}, seeing ` +
        `${percent(result.seenWithinLag)} of jobs within the row's ${percent(result.lag)}; fitted to each seed's own batch, ` +
        `${result.inSampleRequestsPerJob.toFixed(1)} req/job at ${percent(result.lag)}; the engine, ${statusPerJob(row).toFixed(1)} req/job`,
    );
}
