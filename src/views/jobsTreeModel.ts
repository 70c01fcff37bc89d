// The Jobs view without VS Code: which rows exist (flat, or grouped by prompt file), which rows a store
// change touches, and which rows tick their elapsed time. Changes leave as one batched event per
// window (treeChangeBatcher.ts); the whole tree is asked for again only when top-level rows come or
// go, the grouping is switched, or the user refreshes. A list (the root, or a group) shows its newest
// rows, a page at a time, then a "Show more" row: VS Code resolves every row a list returns, and an
// extension cannot tell which rows are scrolled into view, so the rows it returns are the rows that
// tick, and with a thousand jobs they stay a screenful.
import { Emitter, type Disposable, type Event } from '../core/events';
import { isTerminal, type JobRecord } from '../core/jobModel';
import type { JobChange, JobStore } from '../core/jobs/jobStore';
import { groupJobs, groupKeyOf, isGroupKey } from './jobGroups';
import { TreeChangeBatcher, type TreeChange } from './treeChangeBatcher';

export interface JobsTreeModelOptions {
  readonly grouped?: boolean;
  /** Changes within this window share one event. */
  readonly batchMs?: number;
  /** How often unfinished rows update their elapsed time. */
  readonly tickMs?: number;
  /** Rows a list shows before its "Show more" row, and how many more that row shows. */
  readonly pageSize?: number;
}

const ROOT = '';
const MORE_PREFIX = 'more:';

/** The "Show more" row at the end of a list (ROOT, or a group key). */
export function moreRowOf(list: string): string {
  return `${MORE_PREFIX}${list}`;
}

export function isMoreRow(element: string): boolean {
  return element.startsWith(MORE_PREFIX);
}

function listOfMoreRow(element: string): string {
  return element.slice(MORE_PREFIX.length);
}

interface Placement {
  readonly group: string;
  readonly active: boolean;
}

export class JobsTreeModel implements Disposable {
  private readonly changed = new Emitter<TreeChange<string>>();
  readonly onDidChange: Event<TreeChange<string>> = this.changed.event;
  private readonly settings: Required<Omit<JobsTreeModelOptions, 'grouped'>>;
  private readonly batcher: TreeChangeBatcher<string>;
  private readonly subscription: Disposable;
  private grouped: boolean;
  /** Each job's group and whether it is unfinished, as last seen: what its change or removal touches. */
  private readonly placements = new Map<string, Placement>();
  private readonly groupSizes = new Map<string, number>();
  private activeJobs = 0;
  /** Every row VS Code was given since the last root refresh: a change to any other row is not sent. */
  private readonly listed = new Set<string>();
  /** The children VS Code last asked for, per container (ROOT or a group): the rows it shows when open. */
  private readonly shown = new Map<string, readonly string[]>();
  private readonly collapsed = new Set<string>();
  /** Rows each list shows (more than a page once "Show more" was used). */
  private readonly limits = new Map<string, number>();
  private visible = false;
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly store: JobStore,
    options: JobsTreeModelOptions = {},
  ) {
    this.grouped = options.grouped ?? false;
    this.settings = {
      batchMs: options.batchMs ?? 100,
      tickMs: options.tickMs ?? 1000,
      pageSize: options.pageSize ?? 50,
    };
    this.batcher = new TreeChangeBatcher((change) => this.emit(change), this.settings.batchMs);
    for (const job of store.values()) this.place(job);
    this.subscription = store.onDidChange((change) => this.onStoreChange(change));
  }

  get isGrouped(): boolean {
    return this.grouped;
  }

  /** Switching changes every row: the whole tree, at once. */
  setGrouped(grouped: boolean): void {
    if (grouped === this.grouped) return;
    this.grouped = grouped;
    this.collapsed.clear();
    this.batcher.addRoot();
    this.batcher.flush();
  }

  /** Manual refresh: the whole tree, at once. */
  refreshAll(): void {
    this.batcher.refreshAllNow();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.updateTicker();
  }

  setCollapsed(group: string, collapsed: boolean): void {
    if (collapsed) this.collapsed.add(group);
    else this.collapsed.delete(group);
  }

  /** Rows under `element` (the root when undefined), newest first; remembered as what VS Code shows. */
  children(element?: string): string[] {
    let rows: string[] = [];
    if (element === undefined) {
      const jobs = this.store.all();
      rows = this.grouped ? groupJobs(jobs).map((group) => group.key) : this.page(ROOT, jobs);
    } else if (this.grouped && isGroupKey(element)) {
      rows = this.page(element, this.jobsIn(element));
    }
    this.shown.set(element ?? ROOT, rows);
    for (const row of rows) this.listed.add(row);
    this.updateTicker();
    return rows;
  }

  parent(element: string): string | undefined {
    if (!this.grouped || isGroupKey(element)) return undefined;
    if (isMoreRow(element)) return listOfMoreRow(element);
    return this.placements.get(element)?.group;
  }

  private limit(list: string): number {
    return this.limits.get(list) ?? this.settings.pageSize;
  }

  private page(list: string, jobs: readonly JobRecord[]): string[] {
    const rows = jobs.slice(0, this.limit(list)).map((job) => job.id);
    return jobs.length > rows.length ? [...rows, moreRowOf(list)] : rows;
  }

  /** Jobs a "Show more" row stands for, and how many of them its next page shows. */
  hiddenBehind(moreRow: string): { hidden: number; next: number } {
    const list = listOfMoreRow(moreRow);
    const total = list === ROOT ? this.placements.size : (this.groupSizes.get(list) ?? 0);
    const hidden = Math.max(0, total - this.limit(list));
    return { hidden, next: Math.min(hidden, this.settings.pageSize) };
  }

  /** The "Show more" row was clicked: its list shows another page, at once. */
  showMore(moreRow: string): void {
    const list = listOfMoreRow(moreRow);
    this.limits.set(list, this.limit(list) + this.settings.pageSize);
    if (list === ROOT) this.batcher.addRoot();
    else this.batcher.add(list);
    this.batcher.flush();
  }

  /** A group's jobs, newest first. */
  jobsIn(group: string): JobRecord[] {
    return this.store.all().filter((job) => groupKeyOf(job.source) === group);
  }

  private onStoreChange(change: JobChange): void {
    if (change.kind === 'remove') {
      const placement = this.placements.get(change.id);
      if (!placement) return;
      this.unplace(change.id, placement);
      this.listed.delete(change.id);
      this.rowsChanged(placement.group, this.groupSizes.get(placement.group) === undefined);
    } else {
      const previous = this.placements.get(change.job.id);
      const placement = this.place(change.job);
      if (!previous) this.rowsChanged(placement.group, this.groupSizes.get(placement.group) === 1);
      else {
        if (this.listed.has(change.job.id)) this.batcher.add(change.job.id);
        // the group row counts its unfinished jobs
        if (this.grouped && previous.active !== placement.active) this.batcher.add(placement.group);
      }
    }
    this.updateTicker();
  }

  /** A job came or went: the root's rows when flat or when its group came or went, else its group's. */
  private rowsChanged(group: string, groupCameOrWent: boolean): void {
    if (!this.grouped || groupCameOrWent) this.batcher.addRoot();
    else this.batcher.add(group);
  }

  private place(job: JobRecord): Placement {
    const previous = this.placements.get(job.id);
    const placement = { group: groupKeyOf(job.source), active: !isTerminal(job.status) };
    if (previous) this.unplace(job.id, previous);
    this.placements.set(job.id, placement);
    this.groupSizes.set(placement.group, (this.groupSizes.get(placement.group) ?? 0) + 1);
    if (placement.active) this.activeJobs++;
    return placement;
  }

  private unplace(id: string, placement: Placement): void {
    this.placements.delete(id);
    const size = (this.groupSizes.get(placement.group) ?? 1) - 1;
    if (size > 0) this.groupSizes.set(placement.group, size);
    else this.groupSizes.delete(placement.group);
    if (placement.active) this.activeJobs--;
  }

  private emit(change: TreeChange<string>): void {
    if (change === undefined) {
      // VS Code drops what it had and asks again for what it shows
      this.listed.clear();
      this.shown.clear();
    }
    this.changed.fire(change);
  }

  /** Unfinished rows VS Code shows, top to bottom: in the visible view, not in a collapsed group. */
  tickingRows(): string[] {
    if (!this.visible) return [];
    const top = this.shown.get(ROOT) ?? [];
    const rows = this.grouped ? top.filter((group) => !this.collapsed.has(group)).flatMap((group) => this.shown.get(group) ?? []) : top;
    return rows.filter((id) => this.placements.get(id)?.active);
  }

  private tick(): void {
    for (const id of this.tickingRows()) this.batcher.add(id);
    // the tick is the frame: it takes whatever changes were waiting along
    this.batcher.flush();
  }

  private updateTicker(): void {
    if (this.visible && this.activeJobs > 0) {
      this.ticker ??= setInterval(() => this.tick(), this.settings.tickMs);
    } else if (this.ticker) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  dispose(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
    this.subscription.dispose();
    this.batcher.dispose();
    this.changed.dispose();
  }
}
