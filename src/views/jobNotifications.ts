import * as vscode from 'vscode';
import { isTerminal, type JobStatus } from '../core/jobModel';
import type { JobStore } from '../core/jobs/jobStore';
import { DisposableOwner } from '../services/disposables';
import { jobLabel } from './jobPresentation';

/** Tells the user when a job ends, and shows a status bar count of jobs in flight. */
export class JobNotifications extends DisposableOwner {
  private readonly lastStatus = new Map<string, JobStatus>();
  private readonly statusBar = this.register(vscode.window.createStatusBarItem('imageJobs.active', vscode.StatusBarAlignment.Left, 50));

  constructor(private readonly store: JobStore) {
    super();
    this.statusBar.name = 'Image Jobs';
    this.statusBar.command = 'imageJobs.jobs.focus';
    for (const job of store.values()) this.lastStatus.set(job.id, job.status);
    this.register(
      store.onDidChange((change) => {
        if (change.kind === 'remove') this.lastStatus.delete(change.id);
        else this.onJob(change.job.id);
        this.updateStatusBar();
      }),
    );
    this.updateStatusBar();
  }

  private onJob(id: string): void {
    const job = this.store.get(id);
    if (!job) return;
    const before = this.lastStatus.get(id);
    this.lastStatus.set(id, job.status);
    if (before === job.status || !isTerminal(job.status)) return;
    const label = jobLabel(job);
    if (job.status === 'succeeded') {
      void vscode.window
        .showInformationMessage(`Image ready: ${job.assets.map((asset) => asset.path).join(', ')}`, 'Open', 'Insert', 'Gallery')
        .then((choice) => {
          if (choice === 'Open') void vscode.commands.executeCommand('imageJobs.job.openResult', id);
          if (choice === 'Insert') void vscode.commands.executeCommand('imageJobs.insertAsset', { jobId: id });
          if (choice === 'Gallery') void vscode.commands.executeCommand('imageJobs.openGallery');
        });
    } else if (job.status === 'failed' || job.status === 'expired') {
      void vscode.window
        .showErrorMessage(`Image job "${label}" ${job.status}: ${job.error?.message ?? 'no reason given'}`, 'Retry', 'Show Log')
        .then((choice) => {
          if (choice === 'Retry') void vscode.commands.executeCommand('imageJobs.job.retry', id);
          if (choice === 'Show Log') void vscode.commands.executeCommand('imageJobs.showLog');
        });
    }
  }

  private updateStatusBar(): void {
    let active = 0;
    for (const job of this.store.values()) if (!isTerminal(job.status)) active++;
    if (active === 0) return this.statusBar.hide();
    this.statusBar.text = `$(sync~spin) ${active} image job${active === 1 ? '' : 's'}`;
    this.statusBar.tooltip = 'Image Jobs in progress: show the Jobs view';
    this.statusBar.show();
  }
}
