// Jobs on disk as an append-only journal (jobs.jsonl in the workspace's storage folder): a group
// commit appends one line per changed job in one write, then one fdatasync, so recording a change
// costs the same with ten jobs or ten thousand. (VS Code's workspace state cannot: it keeps all of an
// extension's keys as one JSON value and sends the whole of it on every update.) The file is rewritten
// as its live jobs once it outgrows them several times. Windows open on one workspace append to the
// same file, O_APPEND keeping each commit whole; how a compaction loses none of their lines is told
// at compact().
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../errors';
import type { JobRecord } from '../jobModel';
import { isCode, readRange, writeDurably, writeDurablySync } from './durableFiles';
import { keptJobs, type KeyValueState } from './jobPersistence';
import type { JobPersistence, StoredChange } from './jobStore';
import { entryLine, replay } from './journalLines';
import { migrateFromWorkspaceState } from './journalMigration';

export const JOURNAL_FILE = 'jobs.jsonl';
/** Compacted once the file is this many times the size of its live jobs' lines... */
const COMPACT_FACTOR = 4;
/** ...and at least this big (by default): a small journal is cheap to read as it is. */
const MIN_COMPACT_BYTES = 256 * 1024;
/** A compaction lock (or temporary file) this old was left by a window that died mid-compaction. */
const STALE_MS = 30_000;
/** A compaction keeps removals this long, so an older line of the job, repeated late, cannot bring it back. */
const REMOVAL_MEMORY_MS = 24 * 60 * 60 * 1000;
/** Compactions by other windows a commit may meet in a row before giving up. */
const MAX_REAPPENDS = 10;

export interface JobJournalOptions {
  /** Where earlier versions kept the jobs (workspace state): moved into the journal once, then cleared. */
  readonly legacy?: KeyValueState;
  /** What went wrong without losing anything (a compaction that did not run, a damaged line): for the log. */
  readonly warn?: (message: string) => void;
  /** The smallest file worth compacting (tests make it small). */
  readonly minCompactBytes?: number;
}

/** Each commit starts on a line of its own: a line torn by a crash, this window's or another's, never swallows it. */
function commitText(changes: readonly StoredChange[]): string {
  return `\n${changes.map(entryLine).join('\n')}\n`;
}

export class JobJournal implements JobPersistence {
  readonly path: string;
  private readonly owner = randomUUID();
  private handle: FileHandle | undefined;
  /** Size of the file as this window last knew it, and of its live jobs' lines: when to compact. */
  private fileBytes = 0;
  private liveBytes = 0;
  private readonly lineBytes = new Map<string, number>();
  private writing: Promise<void> = Promise.resolve();
  /** Set by dispose(): what is still written (work ending as the window closes) goes by path, at once. */
  private closed = false;

  constructor(
    private readonly folder: string,
    private readonly options: JobJournalOptions = {},
  ) {
    this.path = join(folder, JOURNAL_FILE);
  }

  load(): readonly JobRecord[] {
    mkdirSync(this.folder, { recursive: true });
    this.removeStaleTemporaries();
    if (this.options.legacy) migrateFromWorkspaceState(this.options.legacy, this.path, `${this.path}.${this.owner}.tmp`);
    let bytes = Buffer.alloc(0);
    try {
      bytes = readFileSync(this.path);
    } catch (error) {
      if (!isCode(error, 'ENOENT')) throw error;
    }
    const { jobs, lineBytes, skipped } = replay(bytes.toString('utf8'));
    if (skipped > 0) this.options.warn?.(`${skipped} unreadable line(s) in ${this.path} skipped (a write cut short by a crash?)`);
    this.fileBytes = bytes.length;
    this.resetSizes(lineBytes);
    return keptJobs([...jobs.values()]);
  }

  write(changes: readonly StoredChange[]): Promise<void> {
    const run = this.writing.then(() => this.commit(changes));
    this.writing = run.catch(() => undefined);
    return run;
  }

  writeNow(changes: readonly StoredChange[]): void {
    if (changes.length === 0) return;
    // by path, not through the handle: no compaction of this window can be under way at close
    writeDurablySync(this.path, commitText(changes), 'a');
  }

  dispose(): void {
    this.closed = true;
    void this.writing.then(() => this.handle?.close());
  }

  private async commit(changes: readonly StoredChange[]): Promise<void> {
    if (changes.length === 0) return;
    if (this.closed) return this.writeNow(changes);
    await this.append(commitText(changes));
    for (const change of changes) {
      const id = 'job' in change ? change.job.id : change.removed;
      this.liveBytes -= this.lineBytes.get(id) ?? 0;
      this.lineBytes.delete(id);
      if ('job' in change) {
        const bytes = Buffer.byteLength(entryLine(change)) + 1;
        this.lineBytes.set(id, bytes);
        this.liveBytes += bytes;
      }
    }
    if (this.fileBytes > Math.max(this.options.minCompactBytes ?? MIN_COMPACT_BYTES, COMPACT_FACTOR * this.liveBytes)) {
      // the commit is durable already: a compaction that fails costs disk space, not jobs
      await this.compact().catch((error) => this.options.warn?.(`could not compact ${this.path}: ${describeError(error)}`));
    }
  }

  /** One write and one fdatasync; again in the file that replaced this one if another window compacted meanwhile. */
  private async append(text: string): Promise<void> {
    for (let attempt = 0; attempt <= MAX_REAPPENDS; attempt++) {
      const handle = (this.handle ??= await open(this.path, 'a'));
      await handle.write(text);
      await handle.datasync();
      this.fileBytes += Buffer.byteLength(text);
      if (await this.isCurrent(handle)) return;
      await this.reopen();
    }
    throw new Error(`${this.path} was replaced ${MAX_REAPPENDS} times while this window wrote to it`);
  }

  private async isCurrent(handle: FileHandle): Promise<boolean> {
    const [mine, current] = await Promise.all([handle.stat(), stat(this.path).catch(() => undefined)]);
    return current !== undefined && current.ino === mine.ino && current.dev === mine.dev;
  }

  private async reopen(): Promise<void> {
    await this.handle?.close();
    this.handle = await open(this.path, 'a');
    this.fileBytes = (await this.handle.stat()).size;
  }

  /**
   * Rewrites the file as its live jobs, read from the file rather than from memory: it holds every
   * window's jobs. Another window may append meanwhile. What it appends to the old file before the
   * rename is copied over after the rename (the old file is read again to its end); what it appends
   * later, it sees go to a replaced file (isCurrent) and writes again to the new one. Lines may so be
   * written twice, which replay() takes in its stride; none is lost.
   */
  private async compact(): Promise<void> {
    if (!(await this.lock())) return;
    try {
      const old = await open(this.path, 'r');
      try {
        const { size } = await old.stat();
        const { jobs, removed, lineBytes } = replay(await readRange(old, 0, size));
        const kept = keptJobs([...jobs.values()]);
        const now = Date.now();
        const lines = [
          ...kept.map((job) => entryLine({ job })),
          ...[...removed].filter(([, at]) => now - at < REMOVAL_MEMORY_MS).map(([id, at]) => entryLine({ removed: id, at })),
        ];
        const temporary = `${this.path}.${this.owner}.tmp`;
        await writeDurably(temporary, `${lines.join('\n')}\n`);
        await rename(temporary, this.path);
        const late = await readRange(old, size);
        await this.reopen();
        this.resetSizes(new Map(kept.map((job) => [job.id, lineBytes.get(job.id) ?? 0])));
        const complete = late.slice(0, late.lastIndexOf('\n') + 1);
        if (complete.trim()) await this.append(`\n${complete}`);
      } finally {
        await old.close();
      }
    } finally {
      await this.unlock();
    }
  }

  private resetSizes(lineBytes: ReadonlyMap<string, number>): void {
    this.lineBytes.clear();
    this.liveBytes = 0;
    for (const [id, bytes] of lineBytes) {
      this.lineBytes.set(id, bytes);
      this.liveBytes += bytes;
    }
  }

  private get lockPath(): string {
    return `${this.path}.lock`;
  }

  /** One window compacts at a time; a lock left by a window that died mid-compaction is taken over. */
  private async lock(): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(this.lockPath, this.owner, { flag: 'wx' });
        return true;
      } catch (error) {
        if (!isCode(error, 'EEXIST')) throw error;
      }
      const info = await stat(this.lockPath).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs < STALE_MS) return false;
      await rm(this.lockPath, { force: true });
    }
    return false;
  }

  private async unlock(): Promise<void> {
    if ((await readFile(this.lockPath, 'utf8').catch(() => '')) === this.owner) await rm(this.lockPath, { force: true });
  }

  /** Compactions cut short by a crash leave their temporary file behind. */
  private removeStaleTemporaries(): void {
    for (const name of readdirSync(this.folder)) {
      if (!name.startsWith(`${JOURNAL_FILE}.`) || !name.endsWith('.tmp')) continue;
      const path = join(this.folder, name);
      try {
        if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
      } catch {
        // gone already
      }
    }
  }
}
