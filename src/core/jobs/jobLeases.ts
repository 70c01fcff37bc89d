// Two windows open on one workspace each load the same jobs. A lease file per job decides which window
// polls and downloads it; the window that finishes a job leaves its outcome for the others to adopt.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord } from '../jobModel';

/** What another window needs to show a job it did not finish itself. */
export type JobOutcome = Pick<JobRecord, 'status' | 'assets' | 'error' | 'finishedAt' | 'remoteId' | 'credits'>;

export interface JobLeases {
  /** Frees every lease this window holds (the window is closing). */
  dispose?(): void;
  /** True when this window may work on the job now: it held the lease, or took a free or stale one; false once any window finished it. */
  acquire(jobId: string): Promise<boolean>;
  /** Records how the job ended and gives up the lease. */
  complete(jobId: string, outcome: JobOutcome): Promise<void>;
  /** How the job ended, if another window finished it. */
  outcome(jobId: string): Promise<JobOutcome | undefined>;
  /** The job is being resumed (Retry): its recorded outcome no longer holds. */
  reopen(jobId: string): Promise<void>;
}

interface LeaseFile {
  readonly owner: string;
  readonly expiresAt: number;
}

/** A lease lasts this long unless renewed; a window that crashed frees its jobs after it. */
const LEASE_MS = 60 * 1000;
/** Held leases are renewed this often, whatever the poll intervals are. */
const HEARTBEAT_MS = 20 * 1000;
const OUTCOME_KEEP_MS = 14 * 24 * 60 * 60 * 1000;

function isCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown })?.code === code;
}

export class FileJobLeases implements JobLeases {
  readonly owner = randomUUID();
  private readonly held = new Set<string>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(
    private readonly folder: string,
    private readonly now: () => number = Date.now,
  ) {
    this.heartbeat = setInterval(() => void this.renewAll(), HEARTBEAT_MS);
    this.heartbeat.unref?.();
  }

  private async renewAll(): Promise<void> {
    for (const jobId of this.held) await this.acquire(jobId).catch(() => undefined);
  }

  /** The window is closing: free every job it holds at once, so a reloaded window takes them over. */
  dispose(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const jobId of this.held) {
      try {
        const current = JSON.parse(readFileSync(this.leasePath(jobId), 'utf8')) as LeaseFile;
        if (current.owner === this.owner) rmSync(this.leasePath(jobId), { force: true });
      } catch {
        // already gone
      }
    }
    this.held.clear();
  }

  private leasePath(jobId: string): string {
    return join(this.folder, 'leases', `${jobId}.json`);
  }

  private outcomePath(jobId: string): string {
    return join(this.folder, 'outcomes', `${jobId}.json`);
  }

  private async read<T>(path: string): Promise<T | undefined> {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as T;
    } catch {
      return undefined; // missing, or caught mid-write: treated as absent
    }
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a lease. */
  private async replace(path: string, value: unknown): Promise<void> {
    const temporary = `${path}.${this.owner}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, path);
  }

  async acquire(jobId: string): Promise<boolean> {
    const acquired = !this.closed && (await this.tryAcquire(jobId));
    if (acquired) this.held.add(jobId);
    else this.held.delete(jobId);
    return acquired;
  }

  private async tryAcquire(jobId: string): Promise<boolean> {
    // a finished job stays finished: its outcome is adopted, never worked on again
    if (
      await stat(this.outcomePath(jobId)).then(
        () => true,
        () => false,
      )
    )
      return false;
    const path = this.leasePath(jobId);
    const lease: LeaseFile = { owner: this.owner, expiresAt: this.now() + LEASE_MS };
    await mkdir(join(this.folder, 'leases'), { recursive: true });
    try {
      const handle = await open(path, 'wx'); // exclusive create: only one window can win a free lease
      await handle.writeFile(JSON.stringify(lease));
      await handle.close();
      return true;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
    const current = await this.read<LeaseFile>(path);
    if (current && current.owner !== this.owner && current.expiresAt > this.now()) return false;
    // ours (renew) or stale (take over); read back in case another window took it at the same moment
    await this.replace(path, lease);
    return (await this.read<LeaseFile>(path))?.owner === this.owner;
  }

  async complete(jobId: string, outcome: JobOutcome): Promise<void> {
    await mkdir(join(this.folder, 'outcomes'), { recursive: true });
    await this.replace(this.outcomePath(jobId), outcome);
    this.held.delete(jobId);
    const current = await this.read<LeaseFile>(this.leasePath(jobId));
    if (current?.owner === this.owner) await rm(this.leasePath(jobId), { force: true });
  }

  outcome(jobId: string): Promise<JobOutcome | undefined> {
    return this.read<JobOutcome>(this.outcomePath(jobId));
  }

  async reopen(jobId: string): Promise<void> {
    await rm(this.outcomePath(jobId), { force: true });
  }

  /** Drops outcomes old enough that no window can still be waiting for them. */
  async prune(): Promise<void> {
    const folder = join(this.folder, 'outcomes');
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(folder, name);
      const info = await stat(path).catch(() => undefined);
      if (info && this.now() - info.mtimeMs > OUTCOME_KEEP_MS) await rm(path, { force: true });
    }
  }
}
