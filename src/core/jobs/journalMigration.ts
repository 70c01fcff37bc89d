// Jobs kept in workspace state by earlier versions (one key holding the whole list) become the jobs
// journal's first content, once, and the key is cleared.
import { existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import type { JobRecord } from '../jobModel';
import { isCode, writeDurablySync } from './durableFiles';
import { JOBS_KEY, type KeyValueState } from './jobPersistence';
import { entryLine } from './journalLines';

/**
 * Written to `temporary`, made durable, then linked into place at `journal`: link fails if the journal
 * exists, so a second window migrating at the same moment cannot replace lines the first already
 * appended. The old key is cleared only after that; once a journal exists, the key is only cleared.
 */
export function migrateFromWorkspaceState(legacy: KeyValueState, journal: string, temporary: string): void {
  const jobs = legacy.get<JobRecord[] | undefined>(JOBS_KEY, undefined);
  if (!jobs) return;
  if (jobs.length > 0 && !existsSync(journal)) {
    writeDurablySync(temporary, `${jobs.map((job) => entryLine({ job })).join('\n')}\n`, 'w');
    try {
      linkSync(temporary, journal);
    } catch (error) {
      // a file system without hard links: a rename, checked just before (the race is the migration's alone)
      if (!isCode(error, 'EEXIST') && !existsSync(journal)) renameSync(temporary, journal);
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  void Promise.resolve(legacy.update(JOBS_KEY, undefined)).catch(() => undefined);
}
