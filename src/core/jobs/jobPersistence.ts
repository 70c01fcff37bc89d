// Jobs in a key-value state (VS Code's workspace state): they belong to the workspace and come back
// after a reload. Every unfinished job is kept, and the newest finished ones up to a cap.
import { isTerminal, type JobRecord } from '../jobModel';
import type { JobPersistence } from './jobStore';

/** The part of vscode.Memento used here, so core code needs no `vscode` import. */
export interface KeyValueState {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

export const JOBS_KEY = 'imageJobs.jobs.v1';
export const MAX_KEPT_FINISHED_JOBS = 500;

export function keyValuePersistence(state: KeyValueState): JobPersistence {
  return {
    load: () => state.get<JobRecord[]>(JOBS_KEY, []),
    save: (jobs) => Promise.resolve(state.update(JOBS_KEY, keptJobs(jobs))),
  };
}

/** Every unfinished job, plus the newest finished ones up to the cap; order is kept. */
export function keptJobs(jobs: readonly JobRecord[]): readonly JobRecord[] {
  const finished = jobs.filter((job) => isTerminal(job.status));
  if (finished.length <= MAX_KEPT_FINISHED_JOBS) return jobs;
  finished.sort((a, b) => b.createdAt - a.createdAt);
  const dropped = new Set(finished.slice(MAX_KEPT_FINISHED_JOBS).map((job) => job.id));
  return jobs.filter((job) => !dropped.has(job.id));
}
