import * as vscode from 'vscode';
import type { JobStore } from '../core/jobs/jobStore';
import type { JobRecord } from '../core/jobModel';
import { cellDescription } from '../core/prompt/sweepCells';
import { DisposableOwner } from '../services/disposables';
import { savedAssetUri } from '../services/workspaceAssets';
import { batchContextValue, batchDescription, batchIcon, batchStateLabel, batchTooltipMarkdown, summarizeBatch } from './batchPresentation';
import { groupSummary, isBatchKey, isGroupKey, promptFileOfGroup } from './jobGroups';
import {
  jobAccessibilityLabel,
  jobContextValue,
  jobDescription,
  jobStateLabel,
  jobTooltipMarkdown,
  STATUS_ICONS,
  thumbnailAsset,
} from './jobPresentation';
import { isMoreRow, JobsTreeModel } from './jobsTreeModel';

/** Remembered across windows: a way of looking at jobs, not a property of the workspace. */
const GROUPED_KEY = 'imageJobs.jobsView.groupByPromptFile';
/** Switches the view title's "Group by Prompt File" / "Show as List" buttons. */
const GROUPED_CONTEXT = 'imageJobs.jobsGrouped';
/** A batch this small opens with its cells shown; a larger one opens closed, so it does not push every other row away. */
const EXPANDED_BATCH_MAX = 16;

/**
 * Jobs view. Elements are job ids, group keys, batch keys and "Show more" rows; what changes and when
 * is decided by JobsTreeModel, which sends changed rows in batches (an array per event) and the whole
 * tree only when it must. A job row's hover is built when it is hovered (resolveTreeItem): VS Code
 * parses a Markdown tooltip for every row it is given, and rows are given again at every elapsed-time tick.
 */
export class JobsTreeProvider extends DisposableOwner implements vscode.TreeDataProvider<string> {
  private readonly changed = this.register(new vscode.EventEmitter<string[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly model: JobsTreeModel;
  private view: vscode.TreeView<string> | undefined;

  constructor(
    private readonly store: JobStore,
    private readonly preferences: vscode.Memento,
  ) {
    super();
    this.model = this.register(new JobsTreeModel(store, { grouped: preferences.get<boolean>(GROUPED_KEY, false) }));
    this.register(this.model.onDidChange((change) => this.changed.fire(change ? [...change] : undefined)));
    void vscode.commands.executeCommand('setContext', GROUPED_CONTEXT, this.model.isGrouped);
  }

  /** Follows the view's visibility and groups' expansion, which decide the rows that tick. */
  attach(view: vscode.TreeView<string>): void {
    this.view = view;
    this.model.setVisible(view.visible);
    this.register(view.onDidChangeVisibility((event) => this.model.setVisible(event.visible)));
    this.register(view.onDidCollapseElement((event) => this.model.setCollapsed(event.element, true)));
    this.register(view.onDidExpandElement((event) => this.model.setCollapsed(event.element, false)));
  }

  /** The job and batch rows selected in the view (the focused one, for keys like Delete). */
  selectedJobIds(): string[] {
    return (this.view?.selection ?? []).filter((element) => !isGroupKey(element));
  }

  get isGrouped(): boolean {
    return this.model.isGrouped;
  }

  async setGrouped(grouped: boolean): Promise<void> {
    this.model.setGrouped(grouped);
    await this.preferences.update(GROUPED_KEY, grouped);
    await vscode.commands.executeCommand('setContext', GROUPED_CONTEXT, grouped);
  }

  /** Manual refresh: the whole tree. */
  refresh(): void {
    this.model.refreshAll();
  }

  /** The "Show more" row at the end of a list: its next page of jobs. */
  showMore(moreRow: string): void {
    this.model.showMore(moreRow);
  }

  getChildren(element?: string): string[] {
    return this.model.children(element);
  }

  getParent(element: string): string | undefined {
    return this.model.parent(element);
  }

  getTreeItem(element: string): vscode.TreeItem {
    if (isGroupKey(element)) return this.groupItem(element);
    if (isBatchKey(element)) return this.batchItem(element);
    if (isMoreRow(element)) return this.moreItem(element);
    const job = this.store.get(element);
    return job ? this.jobItem(job) : new vscode.TreeItem('(removed)');
  }

  /** The hover of a job row, when it is hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: string): vscode.TreeItem {
    const job = this.store.get(element); // group, batch and "Show more" rows are no job: their items are complete
    if (!job) return item;
    this.model.hover(element); // its running time holds still while the hover is open
    const thumbnail = thumbnailAsset(job);
    // a local image in a hover needs neither HTML nor a trusted string; theme icons ($(error)) are on
    item.tooltip = new vscode.MarkdownString(
      jobTooltipMarkdown(job, thumbnail ? savedAssetUri(job, thumbnail).toString() : undefined),
      true,
    );
    return item;
  }

  private jobItem(job: JobRecord): vscode.TreeItem {
    const now = Date.now();
    // under its batch row, a cell leads with what sets it apart (a narrow view cuts the end of a row;
    // the icon says the state too); the prompt is in its tooltip
    const state = jobStateLabel(job, now);
    const item = new vscode.TreeItem(job.sweep ? cellDescription(job.sweep) : state, vscode.TreeItemCollapsibleState.None);
    item.id = job.id;
    item.description = job.sweep ? state : jobDescription(job);
    const { icon, colour } = STATUS_ICONS[job.status];
    item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
    item.contextValue = jobContextValue(job);
    if (job.assets.length > 0) item.command = { command: 'imageJobs.job.openResult', title: 'Open Result', arguments: [job.id] };
    item.accessibilityInformation = { label: jobAccessibilityLabel(job, now) };
    return item;
  }

  private batchItem(key: string): vscode.TreeItem {
    const jobs = this.model.batchJobs(key);
    if (jobs.length === 0) return new vscode.TreeItem('(removed)');
    const summary = summarizeBatch(jobs);
    const state = jobs.length > EXPANDED_BATCH_MAX ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded;
    const item = new vscode.TreeItem(batchStateLabel(jobs, Date.now()), state);
    item.id = key;
    item.description = batchDescription(jobs, { grouped: this.model.isGrouped });
    const { icon, colour } = batchIcon(summary);
    item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
    item.contextValue = batchContextValue(summary);
    item.tooltip = new vscode.MarkdownString(batchTooltipMarkdown(jobs), true);
    item.accessibilityInformation = { label: `${String(item.label)}, ${item.description}` };
    return item;
  }

  private moreItem(element: string): vscode.TreeItem {
    const { list, hidden, next } = this.model.hiddenBehind(element);
    const item = new vscode.TreeItem(`Show ${next} more`, vscode.TreeItemCollapsibleState.None);
    item.id = element;
    item.description = isBatchKey(list) ? `${hidden} more cell${hidden === 1 ? '' : 's'}` : `${hidden} older job${hidden === 1 ? '' : 's'}`;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.contextValue = 'jobsMore';
    item.command = { command: 'imageJobs.jobs.showMore', title: 'Show More Jobs', arguments: [element] };
    return item;
  }

  private groupItem(key: string): vscode.TreeItem {
    const file = promptFileOfGroup(key);
    const uri = file ? vscode.Uri.parse(file) : undefined;
    const label = uri ? uri.path.split('/').pop()! : 'Selections & typed';
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Expanded);
    item.id = key;
    item.description = groupSummary(this.model.jobsIn(key));
    if (uri) {
      item.resourceUri = uri; // the file icon of the user's icon theme
      item.iconPath = vscode.ThemeIcon.File;
      item.tooltip = vscode.workspace.asRelativePath(uri);
    } else {
      item.iconPath = new vscode.ThemeIcon('selection');
      item.tooltip = 'Prompts from selections, typed in, or sent by scripts';
    }
    item.contextValue = uri ? 'jobGroup promptFile' : 'jobGroup';
    return item;
  }
}
