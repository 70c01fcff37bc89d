// One scheduler for all jobs: a single setTimeout armed for the earliest due job, a cap on polls in
// flight, and never two polls of the same job at once.
import type { Disposable } from './events';

export interface PollSchedulerOptions {
  readonly maxConcurrent: number;
  readonly now?: () => number;
}

export class PollScheduler implements Disposable {
  private readonly due = new Map<string, number>();
  private readonly inFlight = new Set<string>();
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
    this.due.set(id, this.now() + Math.max(0, delayMs));
    this.arm();
  }

  unschedule(id: string): void {
    this.due.delete(id);
  }

  isInFlight(id: string): boolean {
    return this.inFlight.has(id);
  }

  private arm(): void {
    let earliest = Infinity;
    for (const [id, at] of this.due) if (at < earliest && !this.inFlight.has(id)) earliest = at;
    if (earliest === Infinity || this.inFlight.size >= this.options.maxConcurrent) return this.clearTimer();
    if (this.timer && this.timerDueAt <= earliest) return;
    this.clearTimer();
    this.timerDueAt = earliest;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDueAt = Infinity;
      this.fire();
    }, Math.max(0, earliest - this.now()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDueAt = Infinity;
  }

  private fire(): void {
    if (this.disposed) return;
    const now = this.now();
    const ready = [...this.due].filter(([id, at]) => at <= now && !this.inFlight.has(id)).sort((a, b) => a[1] - b[1]);
    for (const [id] of ready) {
      if (this.inFlight.size >= this.options.maxConcurrent) break;
      this.due.delete(id);
      this.inFlight.add(id);
      void this.run(id)
        .catch(() => undefined) // run() reports its own failures; the scheduler must keep going
        .finally(() => {
          this.inFlight.delete(id);
          this.arm();
        });
    }
    this.arm();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.due.clear();
  }
}
