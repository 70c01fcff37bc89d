import * as vscode from 'vscode';
import { isTerminal, type JobRecord, type JobStatus } from '../core/jobModel';
import { failureActions, type FailureAction } from '../core/jobs/failureActions';
import type { JobStore } from '../core/jobs/jobStore';
import { DisposableOwner } from '../services/disposables';
import type { Log } from '../services/log';
import { batchJobs } from '../core/jobs/jobBatches';
import { batchEndedMessage, summarizeBatch } from './batchPresentation';
import { jobLabel } from './jobPresentation';
import { JobProgressNotification } from './jobProgressNotification';
import { ReadyGroups } from './readyGroups';

/**
 * Tells the user how the jobs they started go and when a job ends (a sweep's batch once, when its last
 * job ends, not once per job; jobs that finish together share one "ready" toast); a status bar count
 * of jobs in flight.
 */
export class JobNotifications extends DisposableOwner {
  private readonly lastStatus = new Map<string, JobStatus>();
  /** Jobs in flight, counted as they start and end: every poll changes a job, and a count must not scan them all. */
  private active = 0;
  private shownActive: number | undefined;
  private readonly statusBar = this.register(vscode.window.createStatusBarItem('imageJobs.active', vscode.StatusBarAlignment.Left, 50));
  /** Finished jobs waiting for the others in flight, to share one "ready" toast. */
  private readonly ready = new ReadyGroups((ids) => this.tellReady(ids));

  constructor(
    private readonly store: JobStore,
    private readonly log: Log,
  ) {
    super();
    this.register(new JobProgressNotification(store));
    this.register(this.ready);
    this.statusBar.name = 'Image Jobs';
    this.statusBar.command = 'imageJobs.jobs.focus';
    for (const job of store.values()) this.setStatus(job.id, job.status);
    this.register(
      store.onDidChange((change) => {
        if (change.kind === 'remove') this.setStatus(change.id, undefined);
        else this.onJob(change.job.id);
        this.ready.inFlightChanged(this.active);
        this.updateStatusBar();
      }),
    );
    this.updateStatusBar();
  }

  /** Keeps each job's last status, and the count of those in flight. */
  private setStatus(id: string, status: JobStatus | undefined): JobStatus | undefined {
    const before = this.lastStatus.get(id);
    if (before !== undefined && !isTerminal(before)) this.active--;
    if (status !== undefined && !isTerminal(status)) this.active++;
    if (status === undefined) this.lastStatus.delete(id);
    else this.lastStatus.set(id, status);
    return before;
  }

  private onJob(id: string): void {
    const job = this.store.get(id);
    if (!job) return;
    const before = this.setStatus(id, job.status);
    if (before === job.status || !isTerminal(job.status)) return;
    if (job.sweep) return this.onBatchCellEnded(job.sweep.batchId);
    const label = jobLabel(job);
    if (job.status === 'succeeded') {
      // a chat agent's images are in its answer, which inserts them; an Insert here would insert twice
      if (job.source.kind === 'agent') return;
      this.ready.add(id, this.active);
    } else if (job.status === 'failed' || job.status === 'expired') {
      const actions = failureActions(job);
      void vscode.window
        .showErrorMessage(`Image job "${label}" ${job.status}: ${job.error?.message ?? 'no reason given'}`, ...actions.map((a) => a.label))
        .then((choice) => {
          const action = actions.find((candidate) => candidate.label === choice);
          if (action?.command === 'imageJobs.showLog') this.showLogFor(job);
          else if (action) void this.run(action, job.id);
        });
    }
  }

  /** One job: its image(s), with Open and Insert; several that finished together: how many, with the gallery. */
  private tellReady(ids: readonly string[]): void {
    const jobs = ids.map((id) => this.store.get(id)).filter((job): job is JobRecord => job?.status === 'succeeded');
    const gallery = () => void vscode.commands.executeCommand('imageJobs.openGallery');
    if (jobs.length > 1) {
      const images = jobs.reduce((sum, job) => sum + job.assets.length, 0);
      void vscode.window
        .showInformationMessage(`${jobs.length} image jobs done: ${images} images ready`, 'Gallery')
        .then((choice) => choice && gallery());
      return;
    }
    const [job] = jobs;
    if (!job) return;
    void vscode.window
      .showInformationMessage(readyMessage(job.assets.map((asset) => asset.path)), 'Open', 'Insert', 'Gallery')
      .then((choice) => {
        if (choice === 'Open') void vscode.commands.executeCommand('imageJobs.job.openResult', job.id);
        if (choice === 'Insert') void vscode.commands.executeCommand('imageJobs.insertAsset', { jobId: job.id });
        if (choice === 'Gallery') gallery();
      });
  }

  /** Once every job of the batch has ended: how many images it made, and what failed (with Retry). */
  private onBatchCellEnded(batchId: string): void {
    const cells = batchJobs(this.store.values(), batchId);
    if (cells.some((cell) => !isTerminal(cell.status))) return;
    const summary = summarizeBatch(cells);
    const { failed, succeeded } = summary;
    if (succeeded + failed === 0) return; // all cancelled: the user knows
    const message = batchEndedMessage(summary);
    const retry = () => void vscode.commands.executeCommand('imageJobs.batch.retry', { batchId });
    const gallery = () => void vscode.commands.executeCommand('imageJobs.openGallery');
    if (failed === 0) {
      void vscode.window.showInformationMessage(message, 'Gallery').then((choice) => choice && gallery());
      return;
    }
    void vscode.window.showWarningMessage(message, 'Retry Failed', 'Gallery', 'Show Log').then((choice) => {
      if (choice === 'Retry Failed') retry();
      if (choice === 'Gallery') gallery();
      if (choice === 'Show Log') this.log.show();
    });
  }

  /** A failure toast's action; a key saved from it retries the job, which the toast no longer offers once closed. */
  private async run(action: FailureAction, jobId: string): Promise<void> {
    const done = await vscode.commands.executeCommand<unknown>(action.command, action.arg);
    if (done !== true || !action.thenRetry) return;
    this.log.info(`[jobs] ${jobId}: retried once its provider's key was saved from its failure toast`);
    const next = await vscode.commands.executeCommand<string | undefined>('imageJobs.job.retry', jobId);
    if (next) vscode.window.setStatusBarMessage('$(sparkle) Key saved: the failed image job was submitted again', 5000);
  }

  /** The log, ending with the failure the toast showed: its earlier lines carry the same job id. */
  private showLogFor(job: JobRecord): void {
    const requestId = job.error?.requestId ? ` (request id ${job.error.requestId})` : '';
    this.log.info(
      `[jobs] ${job.id} ${job.status}: ${job.error?.message ?? 'no reason given'}${requestId}; its earlier lines carry the same id`,
    );
    this.log.show();
  }

  private updateStatusBar(): void {
    const active = this.active;
    if (active === this.shownActive) return; // each change of the item is a message to the window
    this.shownActive = active;
    if (active === 0) return this.statusBar.hide();
    this.statusBar.text = `$(sync~spin) ${active} image job${active === 1 ? '' : 's'}`;
    this.statusBar.tooltip = 'Image Jobs in progress: show the Jobs view';
    this.statusBar.show();
  }
}

/** "Image ready: a.png", or "4 images ready: a.png and 3 more" (Open and Insert act on the first). */
function readyMessage(paths: readonly string[]): string {
  if (paths.length === 1) return `Image ready: ${paths[0]}`;
  return `${paths.length} images ready: ${paths[0]} and ${paths.length - 1} more (Open and Insert use the first)`;
}
