// Coalesces tree changes into one onDidChangeTreeData event per window (issue 13): every element
// changed within `delayMs` of the first goes out in one array, and a pending root refresh swallows
// them all. No `vscode` import, so plain node tests count its events.
import type { Disposable } from '../core/events';

/** `undefined` is the root: VS Code then asks for the whole tree again. */
export type TreeChange<T> = readonly T[] | undefined;

export class TreeChangeBatcher<T> implements Disposable {
  private readonly pending = new Set<T>();
  private rootPending = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly fire: (change: TreeChange<T>) => void,
    private readonly delayMs = 100,
  ) {}

  /** An element whose row (label, icon, children) changed. */
  add(element: T): void {
    if (this.rootPending) return;
    this.pending.add(element);
    this.schedule();
  }

  /** The root's children changed (a top-level row came or went): the next event refreshes from the root. */
  addRoot(): void {
    this.rootPending = true;
    this.pending.clear();
    this.schedule();
  }

  /** Manual refresh: the whole tree, now, with whatever was pending. */
  refreshAllNow(): void {
    this.cancelTimer();
    this.pending.clear();
    this.rootPending = false;
    this.fire(undefined);
  }

  get hasPending(): boolean {
    return this.rootPending || this.pending.size > 0;
  }

  /** A window, not a debounce: a steady stream of changes still goes out every `delayMs`. */
  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    this.cancelTimer();
    if (this.rootPending) {
      this.rootPending = false;
      this.fire(undefined);
    } else if (this.pending.size > 0) {
      const changed = [...this.pending];
      this.pending.clear();
      this.fire(changed);
    }
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancelTimer();
    this.pending.clear();
    this.rootPending = false;
  }
}
