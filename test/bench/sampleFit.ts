// What the blind optimum owes to knowing its batch, not only the distribution its durations are drawn
// from. Its polls sit at D_k(1 + ℓ) for the batch's own durations, in the gaps between them; a client
// can only fit a schedule to jobs it has already seen. So: fit the optimum to the other seeds' batches
// together, poll each seed's batch with it (the same distribution, other draws), and see what lag it
// reaches. Not the best schedule knowing only the distribution (fitted to more batches, it would do
// better), but what the optimum's figure owes to fitting its own sample.
import { jointOptimum } from './jointOptimum';
import { mean, quantile, relativeP95, type Row } from './report';

export interface PolledBatch {
  readonly requestsPerJob: number;
  /** Each job's lag relative to its duration; Infinity for a job that ends after the last poll. */
  readonly relativeLags: number[];
}

/**
 * A blind schedule (poll times after submission, sorted) on a batch: a job costs every poll before it
 * ended and the one that sees it; one that ends after the last poll costs every poll and one more look,
 * and is counted as never seen in time.
 */
export function pollBatch(durations: readonly number[], polls: readonly number[]): PolledBatch {
  let requests = 0;
  const relativeLags = durations.map((duration) => {
    const seeing = polls.findIndex((poll) => poll >= duration);
    requests += seeing < 0 ? polls.length + 1 : seeing + 1;
    return seeing < 0 ? Infinity : (polls[seeing]! - duration) / duration;
  });
  return { requestsPerJob: requests / durations.length, relativeLags };
}

export interface FittedElsewhere {
  /** The row's pooled relative p95, which the optimum is fitted at. */
  readonly lag: number;
  /** Over the seeds, each polled by the optimum fitted to the others' batches: the mean, and the pooled p95. */
  readonly requestsPerJob: number;
  readonly relativeP95: number;
  /** Share of the jobs seen within `lag` (on the batches it was fitted to, at least 95%). */
  readonly seenWithinLag: number;
}

/** Each seed's batch polled by the relative-only optimum at the row's p95, fitted to the other seeds' batches together. */
export function fittedElsewhere(row: Row): FittedElsewhere | undefined {
  if (row.runs.length < 2) return undefined;
  const lag = relativeP95(row);
  const polled = row.runs.map((run) => {
    const others = row.runs.filter((other) => other !== run).flatMap((other) => other.durationsMs);
    return pollBatch(run.durationsMs, jointOptimum(others, { relative: lag, absolute: Infinity }).polls);
  });
  const lags = polled.flatMap((batch) => batch.relativeLags).sort((a, b) => a - b);
  return {
    lag,
    requestsPerJob: mean(polled.map((batch) => batch.requestsPerJob)),
    relativeP95: quantile(lags, 0.95),
    seenWithinLag: lags.filter((relative) => relative <= lag).length / lags.length,
  };
}

/** One line per engine row, under the SubModel table. */
export function printFittedElsewhere(engineRows: readonly Row[]): void {
  console.log(
    "The optimum knows each batch's durations, not only their distribution. Fitted at the row's p95 to the other seeds' " +
      "batches together and polled on each seed's own (sampleFit.ts), its schedule makes",
  );
  for (const row of engineRows) {
    const fitted = fittedElsewhere(row);
    if (!fitted) continue;
    const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
    console.log(
      `  ${row.label}: ${fitted.requestsPerJob.toFixed(1)} req/job at a p95 of ${percent(fitted.relativeP95)}, ` +
        `seeing ${percent(fitted.seenWithinLag)} of jobs within the row's ${percent(fitted.lag)} (on the batches it was fitted to, at least 95%)`,
    );
  }
}
