// The Jobs view without VS Code: which rows exist (flat, or grouped by prompt file; a sweep's jobs
// under their batch's row), which rows a store change touches, and which rows tick their elapsed
// time. Changes leave as one batched event per window (treeChangeBatcher.ts); the whole tree is asked
// for again only when top-level rows come or go, the grouping is switched, or the user refreshes. A
// list (the root, a group or a batch) shows its newest rows, a page at a time, then a "Show more" row:
// VS Code resolves every row a list returns, and an extension cannot tell which rows are scrolled into
// view, so the rows it returns are the rows that tick, and with a thousand jobs they stay a screenful.
import { Emitter, type Disposable, type Event } from '../core/events';
import { isTerminal, type JobRecord } from '../core/jobModel';
import { batchJobs } from '../core/jobs/jobBatches';
import type { JobChange, JobStore } from '../core/jobs/jobStore';
import { batchIdOfKey, batchKeyOf, groupJobs, groupKeyOf, isBatchKey, isGroupKey, rowsOf } from './jobGroups';
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
/** How long a hovered row's elapsed time stands still: long enough to read its hover. */
const HOVER_HOLD_MS = 30_000;
const MORE_PREFIX = 'more:';

/** The "Show more" row at the end of a list (ROOT, a group or a batch key). */
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
  /** The batch row it sits under, if it is a cell of a sweep. */
  readonly batch?: string;
  readonly status: JobRecord['status'];
}

/** Unfinished: counted among the active jobs, its row ticks. */
const isActive = (placement: Placement) => !isTerminal(placement.status);

export class JobsTreeModel implements Disposable {
  private readonly changed = new Emitter<TreeChange<string>>();
  readonly onDidChange: Event<TreeChange<string>> = this.changed.event;
  private readonly settings: Required<Omit<JobsTreeModelOptions, 'grouped'>>;
  private readonly batcher: TreeChangeBatcher<string>;
  private readonly subscription: Disposable;
  private grouped: boolean;
  /** Each job's group, batch and whether it is unfinished, as last seen: what its change or removal touches. */
  private readonly placements = new Map<string, Placement>();
  private readonly groupSizes = new Map<string, number>();
  /** Jobs per batch row. */
  private readonly batchSizes = new Map<string, number>();
  private activeJobs = 0;
  /** Every row VS Code was given since the last root refresh: a change to any other row is not sent. */
  private readonly listed = new Set<string>();
  /** The children VS Code last asked for, per container (ROOT or a group): the rows it shows when open. */
  private readonly shown = new Map<string, readonly string[]>();
  private readonly collapsed = new Set<string>();
  /** Rows each list shows (more than a page once "Show more" was used). */
  private readonly limits = new Map<string, number>();
  /** Rows each list had when VS Code last asked for it, shown or not. */
  private readonly listSizes = new Map<string, number>();
  private visible = false;
  private ticker: ReturnType<typeof setInterval> | undefined;
  /** A row being hovered, and until when its elapsed time stands still (a refreshed row loses its hover). */
  private hovered: { readonly row: string; readonly until: number } | undefined;

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

  /** Rows under `element` (the root when undefined), newest first, a batch's in cell order; remembered as what VS Code shows. */
  children(element?: string): string[] {
    let rows: string[] = [];
    if (element === undefined) {
      const jobs = this.store.all();
      rows = this.grouped ? groupJobs(jobs).map((group) => group.key) : this.page(ROOT, rowsOf(jobs));
    } else if (this.grouped && isGroupKey(element)) {
      rows = this.page(element, rowsOf(this.jobsIn(element)));
    } else if (isBatchKey(element)) {
      rows = this.page(
        element,
        this.batchJobs(element).map((job) => job.id),
      );
    }
    this.shown.set(element ?? ROOT, rows);
    for (const row of rows) this.listed.add(row);
    this.updateTicker();
    return rows;
  }

  parent(element: string): string | undefined {
    if (isGroupKey(element)) return undefined;
    if (isMoreRow(element)) return listOfMoreRow(element) || undefined;
    if (isBatchKey(element)) {
      const first = this.batchJobs(element)[0];
      return this.grouped && first ? groupKeyOf(first.source) : undefined;
    }
    const placement = this.placements.get(element);
    return placement?.batch ?? (this.grouped ? placement?.group : undefined);
  }

  private limit(list: string): number {
    return this.limits.get(list) ?? this.settings.pageSize;
  }

  /** The rows of a list VS Code is given: its first page(s), and a "Show more" row for the rest. */
  private page(list: string, rows: readonly string[]): string[] {
    this.listSizes.set(list, rows.length);
    const shown = rows.slice(0, this.limit(list));
    return rows.length > shown.length ? [...shown, moreRowOf(list)] : shown;
  }

  /** Rows a "Show more" row stands for, and how many of them its next page shows. */
  hiddenBehind(moreRow: string): { list: string; hidden: number; next: number } {
    const list = listOfMoreRow(moreRow);
    const total = this.listSizes.get(list) ?? 0;
    const hidden = Math.max(0, total - this.limit(list));
    return { list, hidden, next: Math.min(hidden, this.settings.pageSize) };
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

  /** A batch row's jobs, in cell order. */
  batchJobs(batch: string): JobRecord[] {
    return batchJobs(this.store.values(), batchIdOfKey(batch));
  }

  /** How many jobs a batch row holds (0 once they are all gone). */
  batchSize(batch: string): number {
    return this.batchSizes.get(batch) ?? 0;
  }

  private onStoreChange(change: JobChange): void {
    if (change.kind === 'remove') {
      const placement = this.placements.get(change.id);
      if (!placement) return;
      this.unplace(change.id, placement);
      this.listed.delete(change.id);
      this.rowCameOrWent(placement, false);
    } else {
      const previous = this.placements.get(change.job.id);
      const placement = this.place(change.job);
      if (!previous) this.rowCameOrWent(placement, true);
      else {
        // a hovered row keeps its hover through progress; a new state is worth closing it for
        const holds = this.isHovered(change.job.id) && previous.status === placement.status;
        if (this.listed.has(change.job.id) && !holds) this.batcher.add(change.job.id);
        // the batch row counts its finished cells (refreshing it re-reads all its rows: only then); the group row its unfinished jobs
        if (placement.batch && isActive(previous) !== isActive(placement) && this.listed.has(placement.batch))
          this.batcher.add(placement.batch);
        if (this.grouped && isActive(previous) !== isActive(placement)) this.batcher.add(placement.group);
      }
    }
    this.updateTicker();
  }

  /**
   * A job came or went: its batch's row when the batch stays (its children changed), else the rows
   * of its container: the root when flat or when its group came or went, else its group's.
   */
  private rowCameOrWent(placement: Placement, added: boolean): void {
    // placed or unplaced already: a container that came holds 1 job now, one that went none
    const cameOrWent = (size: number) => (added ? size === 1 : size === 0);
    if (placement.batch && !cameOrWent(this.batchSize(placement.batch))) {
      if (this.listed.has(placement.batch)) this.batcher.add(placement.batch);
      if (this.grouped) this.batcher.add(placement.group); // its job count
      return;
    }
    const groupCameOrWent = cameOrWent(this.groupSizes.get(placement.group) ?? 0);
    if (!this.grouped || groupCameOrWent) this.batcher.addRoot();
    else this.batcher.add(placement.group);
  }

  private place(job: JobRecord): Placement {
    const previous = this.placements.get(job.id);
    const placement = { group: groupKeyOf(job.source), batch: batchKeyOf(job), status: job.status };
    if (previous) this.unplace(job.id, previous);
    this.placements.set(job.id, placement);
    this.groupSizes.set(placement.group, (this.groupSizes.get(placement.group) ?? 0) + 1);
    if (placement.batch) this.batchSizes.set(placement.batch, this.batchSize(placement.batch) + 1);
    if (isActive(placement)) this.activeJobs++;
    return placement;
  }

  private unplace(id: string, placement: Placement): void {
    this.placements.delete(id);
    const size = (this.groupSizes.get(placement.group) ?? 1) - 1;
    if (size > 0) this.groupSizes.set(placement.group, size);
    else this.groupSizes.delete(placement.group);
    if (placement.batch) {
      const left = this.batchSize(placement.batch) - 1;
      if (left > 0) this.batchSizes.set(placement.batch, left);
      else this.batchSizes.delete(placement.batch);
    }
    if (isActive(placement)) this.activeJobs--;
  }

  private emit(change: TreeChange<string>): void {
    if (change === undefined) {
      // VS Code drops what it had and asks again for what it shows
      this.listed.clear();
      this.shown.clear();
    }
    this.changed.fire(change);
  }

  /**
   * Unfinished rows VS Code shows, top to bottom: in the visible view, not under a collapsed group or
   * batch. A batch row does not tick (its label has no running time): refreshing it re-reads its rows.
   */
  tickingRows(): string[] {
    if (!this.visible) return [];

    const rows: string[] = [];
    const visit = (container: string) => {
      for (const row of this.shown.get(container) ?? []) {
        if (isGroupKey(row) || isBatchKey(row)) {
          if (!this.collapsed.has(row)) visit(row);
        } else {
          const placement = this.placements.get(row);
          if (placement && isActive(placement) && !this.isHovered(row)) rows.push(row);
        }
      }
    };
    visit(ROOT);
    return rows;
  }

  /**
   * The row's hover is open (VS Code asked for it): for `forMs` its elapsed time stops ticking and its
   * progress is not sent, since refreshing the row would close the hover a second after it opened. A
   * new state still refreshes it.
   */
  hover(row: string, forMs = HOVER_HOLD_MS): void {
    this.hovered = { row, until: Date.now() + forMs };
  }

  private isHovered(row: string): boolean {
    return this.hovered !== undefined && this.hovered.row === row && this.hovered.until > Date.now();
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
