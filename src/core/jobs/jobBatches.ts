// A sweep's jobs as one batch: its cells in the sweep's order, and what the Jobs view's batch row
// does to all of them at once (cancel the unfinished ones, retry those that ended without a result,
// remove the lot once none is running). Each goes through the job manager, one job at a time, as
// the row of a single cell would; the provider gates pace the requests.
import { describeError } from '../errors';
import { isCancelable, isRetryable, type JobRecord, type SweepCell } from '../jobModel';

/** The cell's number in the product: its position read as digits of the shape's bases. */
export function cellIndex(cell: Pick<SweepCell, 'position' | 'shape'>): number {
  return cell.position.reduce((index, value, axis) => index * cell.shape[axis]! + value, 0);
}

/** The batch's jobs in cell order. */
export function batchJobs(jobs: Iterable<JobRecord>, batchId: string): JobRecord[] {
  const members: JobRecord[] = [];
  for (const job of jobs) if (job.sweep?.batchId === batchId) members.push(job);
  return members.sort((a, b) => cellIndex(a.sweep!) - cellIndex(b.sweep!));
}

/** When the batch was made: the time its cells carry (a retried cell's is its own), else its first job's. */
export function batchStartedAt(jobs: readonly Pick<JobRecord, 'createdAt' | 'batchCreatedAt'>[]): number {
  return Math.min(...jobs.map((job) => job.batchCreatedAt ?? job.createdAt));
}

/** What a batch action does to one job: the job manager's own operations. */
export interface JobActions {
  cancel(id: string): Promise<void>;
  /** Returns the id of the job that carries on. */
  retry(id: string): Promise<string>;
  remove(id: string): Promise<void>;
}

export class JobBatches {
  constructor(
    private readonly jobs: () => Iterable<JobRecord>,
    private readonly actions: JobActions,
  ) {}

  /** The batch's jobs in cell order. */
  of(batchId: string): JobRecord[] {
    return batchJobs(this.jobs(), batchId);
  }

  /** Cancels every unfinished cell; returns how many. */
  async cancel(batchId: string): Promise<number> {
    const targets = this.of(batchId).filter(isCancelable);
    await settleAll(
      targets.map((job) => this.actions.cancel(job.id)),
      'cancel',
    );
    return targets.length;
  }

  /** Retries every cell that ended without a result, but those in `except`; returns the ids that carry on. */
  async retry(batchId: string, except: ReadonlySet<string> = new Set()): Promise<string[]> {
    return settleAll(
      this.of(batchId)
        .filter((job) => isRetryable(job) && !except.has(job.id))
        .map((job) => this.actions.retry(job.id)),
      'retry',
    );
  }

  /** Removes every cell, once none is unfinished; false (nothing removed) while one is. */
  async remove(batchId: string): Promise<boolean> {
    const members = this.of(batchId);
    if (members.some(isCancelable)) return false;
    await settleAll(
      members.map((job) => this.actions.remove(job.id)),
      'remove',
    );
    return true;
  }
}

/** Every action is tried, whatever the others do; then one error says how many failed and why the first did. */
async function settleAll<T>(actions: readonly Promise<T>[], what: string): Promise<T[]> {
  const results = await Promise.allSettled(actions);
  const failed = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed.length > 0) {
    throw new Error(`Could not ${what} ${failed.length} of ${results.length} jobs of the batch: ${describeError(failed[0]!.reason)}`);
  }
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}
