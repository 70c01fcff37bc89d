// The jobs journal the extension keeps, in a temporary folder of its own, for a bench's engine: what
// persistence costs there (fdatasyncs included) is in the bench's figures. Its folder goes with
// remove(), once the store that owns it is disposed.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobJournal } from '../../src/core/jobs/jobJournal';
import { removeOnExit } from './processCleanup';
import { entryLine } from '../../src/core/jobs/journalLines';
import type { StoredChange } from '../../src/core/jobs/jobStore';
import type { JobRecord } from '../../src/core/jobModel';
import type { AssetSink } from '../../src/core/results/resultSaver';

/** Where a bench's engine saves its images: nowhere. Its jobs journal is written (what persistence costs); image files are not. */
export const discardedAssets: AssetSink = { exists: async () => false, write: async () => undefined, remove: async () => undefined };

export class BenchJournal extends JobJournal {
  /** Group commits written so far. */
  writes = 0;

  private constructor(private readonly home: string) {
    super(home);
  }

  /** A journal holding `earlier` jobs, as a window that recorded them would have left it. */
  static create(earlier: readonly JobRecord[] = []): BenchJournal {
    const folder = mkdtempSync(join(tmpdir(), 'image-jobs-bench-journal-'));
    removeOnExit(folder);
    const journal = new BenchJournal(folder);
    if (earlier.length) writeFileSync(journal.path, earlier.map((job) => `${entryLine({ job })}\n`).join(''));
    return journal;
  }

  override write(changes: readonly StoredChange[]): Promise<void> {
    this.writes++;
    return super.write(changes);
  }

  get bytes(): number {
    return statSync(this.path).size;
  }

  remove(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}
