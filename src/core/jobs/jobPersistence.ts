// Which jobs are kept across reloads: every unfinished job, and the newest finished ones up to a cap.
// And where earlier versions kept them (one workspace-state key), read once to move them to the journal.
import { isTerminal, type JobRecord } from '../jobModel';

/** The part of vscode.Memento used here, so core code needs no `vscode` import. */
export interface KeyValueState {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The workspace-state key of the whole job list, before the journal (jobJournal.ts). */
export const JOBS_KEY = 'imageJobs.jobs.v1';
export const MAX_KEPT_FINISHED_JOBS = 500;

/** Every unfinished job, plus the newest finished ones up to the cap; order is kept. */
export function keptJobs(jobs: readonly JobRecord[]): readonly JobRecord[] {
  const finished = jobs.filter((job) => isTerminal(job.status));
  if (finished.length <= MAX_KEPT_FINISHED_JOBS) return jobs;
  finished.sort((a, b) => b.createdAt - a.createdAt);
  const dropped = new Set(finished.slice(MAX_KEPT_FINISHED_JOBS).map((job) => job.id));
  return jobs.filter((job) => !dropped.has(job.id));
}
