// What the job engine writes to the log. The extension's logger redacts secrets before anything is shown.
import { isProviderError } from '../errors';
import type { JobRecord } from '../jobModel';
import { cellDescription } from '../prompt/sweepCells';

export interface JobLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** How a log line names a job: its id, and a sweep's cell by its values too, as its row does: `j1 (seed 1 · place a valley)`. */
export function jobLogName(job: Pick<JobRecord, 'id' | 'sweep'>): string {
  return job.sweep ? `${job.id} (${cellDescription(job.sweep)})` : job.id;
}

/** An answer nobody expected goes to the log as received (the logger redacts secrets). */
export function logRawAnswer(log: JobLogger, id: string, step: string, error: unknown): void {
  if (isProviderError(error) && error.details.raw !== undefined)
    log.warn(`[${step}] ${id}: the provider's answer was: ${error.details.raw}`);
}
