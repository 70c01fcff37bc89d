import * as vscode from 'vscode';
import { isTerminal } from '../core/jobModel';
import type { JobChange, JobStore } from '../core/jobs/jobStore';
import { DisposableOwner } from '../services/disposables';
import { jobContextValue, jobDescription, jobLabel, jobTooltipMarkdown, STATUS_ICONS } from './jobPresentation';

const TICK_MS = 1000;

/**
 * Jobs view. Elements are job ids; a job update fires only its own node, and only adding or removing
 * a job refreshes the root. While visible, unfinished jobs tick once a second for their elapsed time.
 */
export class JobsTreeProvider extends DisposableOwner implements vscode.TreeDataProvider<string> {
  private readonly changed = this.register(new vscode.EventEmitter<string | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly known = new Set<string>();
  private ticker: ReturnType<typeof setInterval> | undefined;
  private visible = false;

  constructor(private readonly store: JobStore) {
    super();
    this.register(store.onDidChange((change) => this.onStoreChange(change)));
    this.register({ dispose: () => this.ticker && clearInterval(this.ticker) });
  }

  private onStoreChange(change: JobChange): void {
    if (change.kind === 'upsert' && this.known.has(change.job.id)) this.changed.fire(change.job.id);
    else this.changed.fire(undefined);
    this.updateTicker();
  }

  /** Manual refresh: the whole tree. */
  refresh(): void {
    this.changed.fire(undefined);
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.updateTicker();
  }

  private updateTicker(): void {
    const active = [...this.store.values()].some((job) => !isTerminal(job.status));
    if (!this.visible || !active) {
      if (this.ticker) clearInterval(this.ticker);
      this.ticker = undefined;
      return;
    }
    this.ticker ??= setInterval(() => {
      for (const job of this.store.values()) if (!isTerminal(job.status) && this.known.has(job.id)) this.changed.fire(job.id);
    }, TICK_MS);
  }

  getChildren(element?: string): string[] {
    if (element) return [];
    const ids = this.store.all().map((job) => job.id);
    this.known.clear();
    for (const id of ids) this.known.add(id);
    return ids;
  }

  getParent(): undefined {
    return undefined;
  }

  getTreeItem(id: string): vscode.TreeItem {
    const job = this.store.get(id);
    if (!job) return new vscode.TreeItem('(removed)');
    const item = new vscode.TreeItem(jobLabel(job), vscode.TreeItemCollapsibleState.None);
    item.id = job.id;
    item.description = jobDescription(job, Date.now());
    const { icon, colour } = STATUS_ICONS[job.status];
    item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
    item.contextValue = jobContextValue(job);
    item.tooltip = new vscode.MarkdownString(jobTooltipMarkdown(job), true);
    if (job.assets.length > 0) item.command = { command: 'imageJobs.job.openResult', title: 'Open Result', arguments: [job.id] };
    item.accessibilityInformation = { label: `${jobLabel(job)}, ${jobDescription(job, Date.now())}` };
    return item;
  }
}
