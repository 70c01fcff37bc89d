// All jobs of this workspace, persisted on every change so no job id is ever only in memory.
import { Emitter, type Disposable } from '../events';
import type { JobRecord } from '../jobModel';

export interface JobPersistence {
  load(): readonly JobRecord[];
  save(jobs: readonly JobRecord[]): Promise<void>;
}

export type JobChange = { readonly kind: 'upsert'; readonly job: JobRecord } | { readonly kind: 'remove'; readonly id: string };

/** Fields whose change must reach storage before anything else happens (ids, states, results). */
const DURABLE_FIELDS: readonly (keyof JobRecord)[] = ['status', 'remoteId', 'assets', 'error', 'idempotencyKey'];

/** Progress-only changes (progress, queue position, warnings) are written at most this often. */
const COALESCE_MS = 1000;
/** Durable changes arriving within this window share one write (each caller still awaits it). */
const GROUP_COMMIT_MS = 50;

export class JobStore implements Disposable {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly changed = new Emitter<JobChange>();
  readonly onDidChange = this.changed.event;
  private saving: Promise<void> = Promise.resolve();
  /** The next write, not started yet: changes made meanwhile join it (group commit). */
  private queued: Promise<void> | undefined;
  private coalesceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly persistence: JobPersistence) {
    for (const job of persistence.load()) this.jobs.set(job.id, job);
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  /** Every job, in no particular order: for counting and scanning without the cost of sorting. */
  values(): IterableIterator<JobRecord> {
    return this.jobs.values();
  }

  /** Newest first. */
  all(): JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Stores the job and resolves once it is persisted. */
  async put(job: JobRecord): Promise<void> {
    this.jobs.set(job.id, job);
    this.changed.fire({ kind: 'upsert', job });
    await this.persist();
  }

  /**
   * Applies `change` to the stored job and returns the new record (undefined if the job is gone).
   * Durable changes resolve once persisted; progress-only ones are persisted shortly after.
   */
  async update(id: string, change: (job: JobRecord) => Partial<JobRecord>): Promise<JobRecord | undefined> {
    const { job, saved } = this.change(id, change);
    await saved;
    return job;
  }

  /**
   * Like `update`, but the new record is in memory and returned at once, apart from the promise of
   * its save: for callers whose next step need not wait for the disk.
   */
  change(id: string, change: (job: JobRecord) => Partial<JobRecord>): { job: JobRecord | undefined; saved: Promise<void> } {
    const current = this.jobs.get(id);
    if (!current) return { job: undefined, saved: Promise.resolve() };
    const next: JobRecord = { ...current, ...change(current), updatedAt: Date.now() };
    this.jobs.set(id, next);
    this.changed.fire({ kind: 'upsert', job: next });
    if (DURABLE_FIELDS.some((field) => current[field] !== next[field])) return { job: next, saved: this.persist() };
    this.coalesceTimer ??= setTimeout(() => {
      this.coalesceTimer = undefined;
      void this.persist().catch(() => undefined); // the next durable save retries it
    }, COALESCE_MS);
    return { job: next, saved: Promise.resolve() };
  }

  async remove(id: string): Promise<void> {
    if (!this.jobs.delete(id)) return;
    this.changed.fire({ kind: 'remove', id });
    await this.persist();
  }

  /**
   * Saves are chained so an older snapshot never overwrites a newer one, and every change made while
   * a write is pending joins that write: a thousand jobs submitted together cost a few writes, not a
   * thousand, and each caller still resolves only once its change is stored.
   */
  private persist(): Promise<void> {
    if (this.queued) return this.queued;
    const run = this.saving
      .then(() => new Promise((resolve) => setTimeout(resolve, GROUP_COMMIT_MS)))
      .then(() => {
        this.queued = undefined;
        return this.persistence.save([...this.jobs.values()]);
      });
    this.queued = run;
    this.saving = run.catch(() => undefined);
    return run;
  }

  /** Writes any coalesced changes now (window closing). */
  flush(): Promise<void> {
    if (!this.coalesceTimer) return this.saving;
    clearTimeout(this.coalesceTimer);
    this.coalesceTimer = undefined;
    return this.persist();
  }

  dispose(): void {
    void this.flush().catch(() => undefined);
    this.changed.dispose();
  }
}
