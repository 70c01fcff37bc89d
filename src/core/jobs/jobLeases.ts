// Two windows open on one workspace each load the same jobs. A claim file per job says which window
// polls and downloads it, and a heartbeat file per window says the window is alive: renewing every
// claim costs one write, however many jobs the window holds, and a poll of a job this window holds
// touches no file. The window that finishes a job leaves its outcome for the others to adopt.
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobRecord } from '../jobModel';
import { isCode } from './durableFiles';

/** What another window needs to show a job it did not finish itself. */
export type JobOutcome = Pick<
  JobRecord,
  'status' | 'assets' | 'error' | 'finishedAt' | 'remoteId' | 'credits' | 'cancelledLocally' | 'cancelledWhileSending'
>;

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

/** A job's claim: the window that works on it. */
interface ClaimFile {
  readonly owner: string;
}

/** A window's heartbeat: its claims stand until then. */
interface HeartbeatFile {
  readonly expiresAt: number;
}

/** A window's claims last this long after its last heartbeat; a window that crashed frees its jobs after it. */
const LEASE_MS = 60 * 1000;
/** The heartbeat is written this often while the window holds any claim. */
const HEARTBEAT_MS = 20 * 1000;
const OUTCOME_KEEP_MS = 14 * 24 * 60 * 60 * 1000;

export class FileJobLeases implements JobLeases {
  readonly owner = randomUUID();
  private readonly held = new Set<string>();
  private readonly heartbeat: ReturnType<typeof setInterval>;
  /** When this window's heartbeat was last written (by its clock); undefined before the first. */
  private beatAt: number | undefined;
  /** The heartbeat write under way, which concurrent claims share. */
  private beating: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly folder: string,
    private readonly now: () => number = Date.now,
  ) {
    this.heartbeat = setInterval(() => void this.beatIfHolding().catch(() => undefined), HEARTBEAT_MS);
    this.heartbeat.unref?.();
  }

  private async beatIfHolding(): Promise<void> {
    // asleep past its lease (a suspended machine): another window may have taken its jobs; look again
    if (this.beatAt !== undefined && this.now() - this.beatAt > LEASE_MS) this.held.clear();
    if (this.held.size > 0) await this.beat();
  }

  /**
   * Writes the heartbeat; one write at a time: claims taken together (a sweep's jobs, a reload's
   * resumed ones) all wait for the same write, instead of each renaming the same temporary file.
   */
  private beat(): Promise<void> {
    this.beating ??= this.writeBeat().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async writeBeat(): Promise<void> {
    const at = this.now();
    await mkdir(join(this.folder, 'windows'), { recursive: true });
    await this.replace(this.heartbeatPath(this.owner), { expiresAt: at + LEASE_MS } satisfies HeartbeatFile);
    this.beatAt = at;
  }

  /** The heartbeat leaves room for a late renewal: claims taken while it is this fresh stand without a look. */
  private get beatFresh(): boolean {
    return this.beatAt !== undefined && this.now() - this.beatAt < LEASE_MS - HEARTBEAT_MS;
  }

  /** The window is closing: free every job it holds at once, so a reloaded window takes them over. */
  dispose(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const jobId of this.held) {
      try {
        const claim = JSON.parse(readFileSync(this.claimPath(jobId), 'utf8')) as ClaimFile;
        if (claim.owner === this.owner) rmSync(this.claimPath(jobId), { force: true });
      } catch {
        // already gone
      }
    }
    this.held.clear();
    rmSync(this.heartbeatPath(this.owner), { force: true });
  }

  private claimPath(jobId: string): string {
    return join(this.folder, 'leases', `${jobId}.json`);
  }

  private heartbeatPath(owner: string): string {
    return join(this.folder, 'windows', `${owner}.json`);
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

  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  private async replace(path: string, value: unknown): Promise<void> {
    const temporary = `${path}.${this.owner}.tmp`;
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, path);
  }

  async acquire(jobId: string): Promise<boolean> {
    // held, and the heartbeat stands: no other window can have taken it, or finished it
    if (!this.closed && this.held.has(jobId) && this.beatFresh) return true;
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
    if (!this.beatFresh) await this.beat();
    const path = this.claimPath(jobId);
    const claim: ClaimFile = { owner: this.owner };
    await mkdir(join(this.folder, 'leases'), { recursive: true });
    try {
      const handle = await open(path, 'wx'); // exclusive create: only one window can win a free job
      await handle.writeFile(JSON.stringify(claim));
      await handle.close();
      return true;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
    const current = await this.read<ClaimFile>(path);
    if (current?.owner === this.owner) return true;
    if (current && (await this.isAlive(current.owner))) return false;
    // its window is gone (crashed, or a claim from before heartbeats): take over, and read back in
    // case another window took it at the same moment
    await this.replace(path, claim);
    return (await this.read<ClaimFile>(path))?.owner === this.owner;
  }

  private async isAlive(owner: string): Promise<boolean> {
    const beat = await this.read<HeartbeatFile>(this.heartbeatPath(owner));
    return beat !== undefined && beat.expiresAt > this.now();
  }

  async complete(jobId: string, outcome: JobOutcome): Promise<void> {
    await mkdir(join(this.folder, 'outcomes'), { recursive: true });
    await this.replace(this.outcomePath(jobId), outcome);
    this.held.delete(jobId);
    const current = await this.read<ClaimFile>(this.claimPath(jobId));
    if (current?.owner === this.owner) await rm(this.claimPath(jobId), { force: true });
  }

  outcome(jobId: string): Promise<JobOutcome | undefined> {
    return this.read<JobOutcome>(this.outcomePath(jobId));
  }

  async reopen(jobId: string): Promise<void> {
    await rm(this.outcomePath(jobId), { force: true });
  }

  /** Drops outcomes old enough that no window can still be waiting for them, and heartbeats of windows gone. */
  async prune(): Promise<void> {
    for (const [kind, keepMs] of [
      ['outcomes', OUTCOME_KEEP_MS],
      ['windows', LEASE_MS],
    ] as const) {
      const folder = join(this.folder, kind);
      const names = await readdir(folder).catch(() => [] as string[]);
      for (const name of names) {
        const path = join(folder, name);
        const info = await stat(path).catch(() => undefined);
        if (info && this.now() - info.mtimeMs > keepMs) await rm(path, { force: true });
      }
    }
  }
}
