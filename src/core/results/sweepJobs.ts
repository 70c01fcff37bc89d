// The jobs of a sweep that left no image: only this window's job history knows them (a failed job
// writes no sidecar), so the gallery's grid and the contact sheet hear of them from the job store.
import type { SweepCell } from '../generationParams';
import type { JobRecord } from '../jobModel';

/** A job of a batch with no image: what its cell says instead (failed, cancelled, still on its way). */
export interface SweepJobState {
  readonly sweep: SweepCell;
  readonly status: string;
  readonly message?: string;
  /** When the job was made, and its prompt: what names a batch none of whose jobs made an image (all cancelled). */
  readonly createdAt?: number;
  readonly prompt?: string;
}

export function sweepJobStates(jobs: readonly JobRecord[]): SweepJobState[] {
  return jobs.flatMap((job) =>
    job.sweep && job.status !== 'succeeded'
      ? [
          {
            sweep: job.sweep,
            status: job.status,
            createdAt: job.createdAt,
            prompt: job.request.prompt,
            ...(job.error ? { message: job.error.message } : {}),
          },
        ]
      : [],
  );
}
