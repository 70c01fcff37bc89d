// All jobs of this workspace. Every change that matters (a new job, its provider id, its state) is
// durable before its caller goes on, so no job id is ever only in memory; what is written is the
// changed jobs alone, so the cost of a change does not grow with the number of jobs.
import { Emitter, type Disposable } from '../events';
import { sendWaitOf, type JobRecord } from '../jobModel';
import { redactSecrets } from '../redact';
import { migratedRecord } from './recordMigration';

/** What a write records: a job's whole current record, or its removal. */
export type StoredChange = { readonly job: JobRecord } | { readonly removed: string; readonly at: number };

export interface JobPersistence {
  /** Every recorded job, as the last window left them; read once, when the store is created. */
  load(): readonly JobRecord[];
  /** Records the changes; resolves once they are durable. The store never has two writes in flight. */
  write(changes: readonly StoredChange[]): Promise<void>;
  /** The same at once, synchronously: the window is closing and cannot wait. */
  writeNow(changes: readonly StoredChange[]): void;
  dispose?(): void;
}

export type JobChange = { readonly kind: 'upsert'; readonly job: JobRecord } | { readonly kind: 'remove'; readonly id: string };

/**
 * Fields whose change must reach storage before anything else happens (ids, states, results, and
 * whether a submission waits to be sent: a reload resends such a job rather than doubting it).
 */
const DURABLE_FIELDS: readonly (keyof JobRecord)[] = ['status', 'remoteId', 'assets', 'error', 'idempotencyKey', 'waitingToSend'];

export interface JobStoreOptions {
  /**
   * Scrubs secrets from the text a job keeps (its error and warning): a provider may echo the key it
   * was sent ("Key sk-… has no access to this model"), and a job's text reaches the journal, other
   * windows' outcomes, the Jobs view and toasts. The extension passes its log's redaction, which knows
   * every key read; the default knows only the shapes keys take.
   */
  readonly redact?: (text: string) => string;
}

/** The next turn of the event loop: changes made together (a retry's removal and its new job) share a write. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class JobStore implements Disposable {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly changed = new Emitter<JobChange>();
  readonly onDidChange = this.changed.event;
  /** Jobs changed (or removed) since the last write, whose callers wait for the next one. */
  private readonly durable = new Set<string>();
  /**
   * Jobs with progress-only changes (progress, queue position, warnings): written with the job's next
   * durable change, or when the window closes. A crash loses a progress figure the next poll restores.
   */
  private readonly lazy = new Set<string>();
  private saving: Promise<void> = Promise.resolve();
  /** The next write, not started yet: changes made meanwhile join it (group commit). */
  private queued: Promise<void> | undefined;
  /** The write that stores each job's latest durable change, until it is done. */
  private readonly storing = new Map<string, Promise<void>>();

  private readonly redact: (text: string) => string;

  constructor(
    private readonly persistence: JobPersistence,
    options: JobStoreOptions = {},
  ) {
    this.redact = options.redact ?? ((text) => redactSecrets(text, []));
    // a record written by an earlier version, or before its text was scrubbed, is read in today's shape
    // and scrubbed as it loads (and written so with its next change)
    for (const job of persistence.load()) this.jobs.set(job.id, this.scrubbed(migratedRecord(job)));
  }

  /**
   * `fields` with the texts that may quote a provider (error, warning, why a submission waits) without
   * secrets; itself when they have none.
   */
  private scrubbed<T extends Partial<JobRecord>>(fields: T): T {
    const message = fields.error && this.redact(fields.error.message);
    const warning = fields.warning && this.redact(fields.warning);
    const wait = sendWaitOf(fields);
    const reason = wait && this.redact(wait.reason);
    if (message === fields.error?.message && warning === fields.warning && reason === wait?.reason) return fields;
    return {
      ...fields,
      ...(fields.error && { error: { ...fields.error, message } }),
      ...(fields.warning && { warning }),
      ...(wait && { waitingToSend: { ...wait, reason } }),
    };
  }

  get(id: string): JobRecord | undefined {
    return this.jobs.get(id);
  }

  /** Every job, in no particular order: for counting and scanning without the cost of sorting. */
  values(): IterableIterator<JobRecord> {
    return this.jobs.values();
  }

  /** Newest first; jobs created in the same millisecond (a sweep, files generated together) latest recorded first. */
  all(): JobRecord[] {
    return [...this.jobs.values()].reverse().sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Stores the job and resolves once it is persisted. */
  async put(recorded: JobRecord): Promise<void> {
    const job = this.scrubbed(recorded);
    this.jobs.set(job.id, job);
    this.changed.fire({ kind: 'upsert', job });
    await this.persist(job.id);
  }

  /**
   * Applies `change` to the stored job and returns the new record (undefined if the job is gone).
   * Durable changes resolve once persisted; progress-only ones are persisted later.
   */
  async update(id: string, change: (job: JobRecord) => Partial<JobRecord>): Promise<JobRecord | undefined> {
    const { job, saved } = this.change(id, change);
    await saved;
    return job;
  }

  /**
   * Like `update`, but the new record is in memory and returned at once, apart from the promise of
   * its save: for callers whose next step need not wait for the disk. A change that changes nothing
   * (a poll that found the job as it was) is neither announced nor written.
   */
  change(id: string, change: (job: JobRecord) => Partial<JobRecord>): { job: JobRecord | undefined; saved: Promise<void> } {
    const current = this.jobs.get(id);
    if (!current) return { job: undefined, saved: Promise.resolve() };
    const fields = this.scrubbed(change(current));
    const keys = Object.keys(fields) as (keyof JobRecord)[];
    if (keys.every((key) => current[key] === fields[key])) return { job: current, saved: Promise.resolve() };
    const next: JobRecord = { ...current, ...fields, updatedAt: Date.now() };
    this.jobs.set(id, next);
    this.changed.fire({ kind: 'upsert', job: next });
    if (DURABLE_FIELDS.some((field) => current[field] !== next[field])) return { job: next, saved: this.persist(id) };
    if (!this.durable.has(id)) this.lazy.add(id);
    return { job: next, saved: Promise.resolve() };
  }

  async remove(id: string): Promise<void> {
    if (!this.jobs.delete(id)) return;
    this.changed.fire({ kind: 'remove', id });
    await this.persist(id);
  }

  /**
   * Writes are chained, one at a time, and every change made while one is on its way joins the next:
   * a hundred jobs submitted together cost a few writes, not a hundred, and each caller still
   * resolves only once its change is stored. A lone change is written at once, with no window to wait.
   */
  private persist(id: string): Promise<void> {
    this.durable.add(id);
    this.lazy.delete(id);
    const run = (this.queued ??= this.nextWrite());
    this.storing.set(id, run);
    const done = () => void (this.storing.get(id) === run && this.storing.delete(id));
    run.then(done, done);
    return run;
  }

  private nextWrite(): Promise<void> {
    const run = this.saving.then(nextTurn).then(() => {
      this.queued = undefined;
      return this.write([...this.durable]);
    });
    this.saving = run.catch(() => undefined);
    return run;
  }

  /** Resolves once every durable change made to the job so far is stored (at once when none waits). */
  stored(id: string): Promise<void> {
    return this.storing.get(id) ?? Promise.resolve();
  }

  private async write(ids: readonly string[]): Promise<void> {
    this.durable.clear();
    if (ids.length === 0) return;
    try {
      await this.persistence.write(this.storedChanges(ids));
    } catch (error) {
      // not stored: the next write tries these jobs again
      for (const id of ids) this.durable.add(id);
      throw error;
    }
  }

  private storedChanges(ids: Iterable<string>): StoredChange[] {
    const at = Date.now();
    return [...ids].map((id) => {
      const job = this.jobs.get(id);
      return job ? { job } : { removed: id, at };
    });
  }

  /** Writes progress-only changes too, now (tests; the window closing uses dispose). */
  flush(): Promise<void> {
    const ids = [...this.lazy];
    if (ids.length === 0) return this.queued ?? this.saving;
    for (const id of ids) this.persist(id).catch(() => undefined);
    return this.queued!;
  }

  /** The window is closing: whatever is not stored yet is written synchronously, before it goes. */
  dispose(): void {
    const pending = new Set([...this.durable, ...this.lazy]);
    this.durable.clear();
    this.lazy.clear();
    try {
      if (pending.size > 0) this.persistence.writeNow(this.storedChanges(pending));
    } finally {
      this.persistence.dispose?.();
      this.changed.dispose();
    }
  }
}
