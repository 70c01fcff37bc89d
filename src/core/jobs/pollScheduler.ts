// One scheduler for all jobs: a single setTimeout armed for the earliest due job, a cap on polls in
// flight, and never two polls of the same job at once. Due times sit in a binary heap, so scheduling
// and firing cost O(log n) with a thousand jobs, not a scan (and its garbage) per call.
import type { Disposable } from '../events';

export interface PollSchedulerOptions {
  readonly maxConcurrent: number;
  readonly now?: () => number;
}

interface DueEntry {
  readonly id: string;
  readonly at: number;
}

/** Min-heap by `at`. Entries are never removed from the middle: a stale one is skipped when it surfaces. */
class DueHeap {
  private readonly entries: DueEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  peek(): DueEntry | undefined {
    return this.entries[0];
  }

  push(entry: DueEntry): void {
    const entries = this.entries;
    let index = entries.push(entry) - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (entries[parent]!.at <= entry.at) break;
      entries[index] = entries[parent]!;
      index = parent;
    }
    entries[index] = entry;
  }

  pop(): DueEntry | undefined {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined || entries.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= entries.length) break;
      const right = left + 1;
      const child = right < entries.length && entries[right]!.at < entries[left]!.at ? right : left;
      if (entries[child]!.at >= last.at) break;
      entries[index] = entries[child]!;
      index = child;
    }
    entries[index] = last;
    return top;
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export class PollScheduler implements Disposable {
  /** The one due time that counts for each job; heap entries that disagree are stale. */
  private readonly due = new Map<string, number>();
  private heap = new DueHeap();
  private readonly inFlight = new Set<string>();
  /** Came due while its previous poll was still running: goes back in the heap when that ends. */
  private readonly deferred = new Map<string, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerDueAt = Infinity;
  private disposed = false;
  private readonly now: () => number;

  constructor(
    private readonly run: (id: string) => Promise<void>,
    private readonly options: PollSchedulerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** (Re)schedules `id` to run after `delayMs`; an earlier pending time is replaced. */
  schedule(id: string, delayMs: number): void {
    if (this.disposed) return;
    const at = this.now() + Math.max(0, delayMs);
    this.due.set(id, at);
    this.heap.push({ id, at });
    this.compactIfStale();
    this.arm();
  }

  unschedule(id: string): void {
    this.due.delete(id);
  }

  /** When `id` is next due; undefined when it is not scheduled. */
  dueAt(id: string): number | undefined {
    return this.due.get(id);
  }

  isInFlight(id: string): boolean {
    return this.inFlight.has(id);
  }

  private isCurrent(entry: DueEntry): boolean {
    return this.due.get(entry.id) === entry.at;
  }

  /** Rescheduling leaves the old entries behind; rebuild once they outnumber the live ones. */
  private compactIfStale(): void {
    if (this.heap.size <= 2 * this.due.size + 64) return;
    this.heap = new DueHeap();
    for (const [id, at] of this.due) if (this.deferred.get(id) !== at) this.heap.push({ id, at });
  }

  private arm(): void {
    while (this.heap.size > 0 && !this.isCurrent(this.heap.peek()!)) this.heap.pop();
    const earliest = this.heap.peek()?.at ?? Infinity;
    if (earliest === Infinity || this.inFlight.size >= this.options.maxConcurrent) return this.clearTimer();
    if (this.timer && this.timerDueAt <= earliest) return;
    this.clearTimer();
    this.timerDueAt = earliest;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerDueAt = Infinity;
        this.fire();
      },
      Math.max(0, earliest - this.now()),
    );
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }

  private fire(): void {
    if (this.disposed) return;
    const now = this.now();
    while (this.inFlight.size < this.options.maxConcurrent) {
      const next = this.heap.peek();
      if (!next || next.at > now) break;
      this.heap.pop();
      if (!this.isCurrent(next)) continue;
      if (this.inFlight.has(next.id)) {
        this.deferred.set(next.id, next.at);
        continue;
      }
      this.start(next.id);
    }
    this.arm();
  }

  private start(id: string): void {
    this.due.delete(id);
    this.inFlight.add(id);
    void this.run(id)
      .catch(() => undefined) // run() reports its own failures; the scheduler must keep going
      .finally(() => {
        this.inFlight.delete(id);
        const at = this.deferred.get(id);
        if (at !== undefined) {
          this.deferred.delete(id);
          if (this.due.get(id) === at) this.heap.push({ id, at });
        }
        if (!this.disposed) this.arm();
      });
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.due.clear();
    this.deferred.clear();
    this.heap.clear();
  }
}
