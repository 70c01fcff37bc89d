// The jobs journal's lines and how they fold back into jobs. One JSON object a line: a job's whole
// record, or its removal. Lines of several windows interleave and a compaction may repeat one, so the
// fold keeps each job's newest record (by updatedAt), not its last line; a line that does not parse
// (torn by a crash mid-write, or damaged) is skipped, and every other job survives it.
import type { JobRecord } from '../jobModel';
import type { StoredChange } from './jobStore';

export interface Replayed {
  readonly jobs: Map<string, JobRecord>;
  /** When each job gone from `jobs` was removed: an older record of it, repeated later, stays removed. */
  readonly removed: Map<string, number>;
  /** Bytes of each live job's line, to tell when the file has grown past the live jobs. */
  readonly lineBytes: Map<string, number>;
  readonly skipped: number;
}

export function entryLine(entry: StoredChange): string {
  return JSON.stringify(entry);
}

function isRecord(value: unknown): value is JobRecord {
  const job = value as Partial<JobRecord> | null;
  return (
    typeof job === 'object' &&
    job !== null &&
    typeof job.id === 'string' &&
    typeof job.status === 'string' &&
    typeof job.createdAt === 'number' &&
    typeof job.updatedAt === 'number' &&
    typeof job.request === 'object' &&
    job.request !== null &&
    Array.isArray(job.assets)
  );
}

function parseEntry(line: string): StoredChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  const entry = value as { job?: unknown; removed?: unknown; at?: unknown } | null;
  if (typeof entry !== 'object' || entry === null) return undefined;
  if (isRecord(entry.job)) return { job: entry.job };
  if (typeof entry.removed === 'string' && typeof entry.at === 'number') return { removed: entry.removed, at: entry.at };
  return undefined;
}

/** Folds journal text into the jobs it records. */
export function replay(text: string): Replayed {
  const result = { jobs: new Map<string, JobRecord>(), removed: new Map<string, number>(), lineBytes: new Map<string, number>() };
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const entry = parseEntry(line);
    if (!entry) {
      skipped++;
      continue;
    }
    if ('job' in entry) {
      const { job } = entry;
      const current = result.jobs.get(job.id);
      if (current && current.updatedAt > job.updatedAt) continue;
      const removedAt = result.removed.get(job.id);
      if (removedAt !== undefined && removedAt >= job.updatedAt) continue;
      result.removed.delete(job.id);
      result.jobs.set(job.id, job);
      result.lineBytes.set(job.id, Buffer.byteLength(line) + 1);
    } else {
      const current = result.jobs.get(entry.removed);
      if (current && current.updatedAt > entry.at) continue;
      result.jobs.delete(entry.removed);
      result.lineBytes.delete(entry.removed);
      result.removed.set(entry.removed, Math.max(entry.at, result.removed.get(entry.removed) ?? 0));
    }
  }
  return { ...result, skipped };
}
