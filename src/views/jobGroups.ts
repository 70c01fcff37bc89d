// Grouping jobs by where their prompt came from: one group per .prompt file, and one for selections,
// typed and scripted prompts; and a sweep's jobs under one batch row. Group and batch elements are
// keys that cannot be job ids (those are UUIDs).
import { isTerminal, type JobRecord, type JobSource } from '../core/jobModel';

const GROUP_PREFIX = 'group:';
const FILE_GROUP_PREFIX = 'group:file:';
export const OTHER_PROMPTS_GROUP = 'group:other';
const BATCH_PREFIX = 'batch:';

export function isGroupKey(element: string): boolean {
  return element.startsWith(GROUP_PREFIX);
}

export function isBatchKey(element: string): boolean {
  return element.startsWith(BATCH_PREFIX);
}

/** The row a sweep's jobs sit under; undefined for a job of no batch. */
export function batchKeyOf(job: Pick<JobRecord, 'sweep'>): string | undefined {
  return job.sweep && `${BATCH_PREFIX}${job.sweep.batchId}`;
}

/** The batch id a batch row stands for. */
export function batchIdOfKey(key: string): string {
  return key.slice(BATCH_PREFIX.length);
}

/** The rows `jobs` (newest first) make: a job's own, or its batch's, once, where its newest job is. */
export function rowsOf(jobs: readonly JobRecord[]): string[] {
  const rows = new Set<string>();
  for (const job of jobs) rows.add(batchKeyOf(job) ?? job.id);
  return [...rows];
}

export function groupKeyOf(source: JobSource): string {
  return source.kind === 'promptFile' ? `${FILE_GROUP_PREFIX}${source.uri}` : OTHER_PROMPTS_GROUP;
}

/** The .prompt file URI a group stands for; undefined for the other prompts. */
export function promptFileOfGroup(key: string): string | undefined {
  return key.startsWith(FILE_GROUP_PREFIX) ? key.slice(FILE_GROUP_PREFIX.length) : undefined;
}

export interface JobGroup {
  readonly key: string;
  /** Newest first, as given. */
  readonly jobs: readonly JobRecord[];
}

/** Groups in the order of their newest job; `jobs` must be newest first. */
export function groupJobs(jobs: readonly JobRecord[]): JobGroup[] {
  const groups = new Map<string, JobRecord[]>();
  for (const job of jobs) {
    const key = groupKeyOf(job.source);
    const members = groups.get(key);
    if (members) members.push(job);
    else groups.set(key, [job]);
  }
  return [...groups].map(([key, members]) => ({ key, jobs: members }));
}

/** "3 jobs · 1 active": what the group row says after its name. */
export function groupSummary(jobs: readonly JobRecord[]): string {
  const active = jobs.filter((job) => !isTerminal(job.status)).length;
  return `${jobs.length} job${jobs.length === 1 ? '' : 's'}${active > 0 ? ` · ${active} active` : ''}`;
}
