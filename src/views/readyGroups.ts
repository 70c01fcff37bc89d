// Which finished jobs share one "ready" toast: those that finish while others the user started are
// still in flight wait for them (at most WAIT_MS from the first), so a hundred jobs make a few toasts,
// not a hundred; a job that finishes last, or alone, is told at once. Without VS Code: unit-tested.

/** The longest a finished job waits for the others before its toast. */
const WAIT_MS = 10_000;

export class ReadyGroups {
  private waiting: string[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly tell: (jobIds: readonly string[]) => void,
    private readonly waitMs = WAIT_MS,
  ) {}

  /** A job finished with images; `inFlight`: the jobs still unfinished. */
  add(jobId: string, inFlight: number): void {
    this.waiting.push(jobId);
    if (inFlight === 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.waitMs);
  }

  /** Jobs in flight changed: none left, and the waiting ones are told. */
  inFlightChanged(inFlight: number): void {
    if (inFlight === 0 && this.waiting.length > 0) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const ids = this.waiting;
    this.waiting = [];
    if (ids.length > 0) this.tell(ids);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
