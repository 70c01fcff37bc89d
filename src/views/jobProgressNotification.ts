import * as vscode from 'vscode';
import { isTerminal, type JobRecord, type JobStatus } from '../core/jobModel';
import type { JobStore } from '../core/jobs/jobStore';
import { DisposableOwner } from '../services/disposables';
import { fractionDone, progressMessage } from './progressMessage';

const UPDATE_MS = 250;

/**
 * One progress notification for every job the user started in this window (not one per job, which
 * would stack toasts; not for scripts, which watch their jobs themselves). It shows what the provider
 * reports (queued, running with its progress) and closes when they have all ended; Cancel cancels them.
 */
export class JobProgressNotification extends DisposableOwner {
  private readonly lastStatus = new Map<string, JobStatus>();
  private readonly shown = new Set<string>();
  /** Set while the notification is open. */
  private session: { update(): void; close(): void } | undefined;
  /** Updates wait for this: a hundred jobs changing at once report once, not a hundred times. */
  private updateTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly store: JobStore) {
    super();
    for (const job of store.values()) this.lastStatus.set(job.id, job.status);
    this.register(
      store.onDidChange((change) => {
        if (change.kind === 'remove') {
          this.lastStatus.delete(change.id);
          if (this.shown.delete(change.id)) this.session?.update();
          return;
        }
        const { job } = change;
        const before = this.lastStatus.get(job.id);
        this.lastStatus.set(job.id, job.status);
        // new, or retried: a job the user started, unless a script did or a chat agent (the chat shows its progress)
        const watchedElsewhere = job.source.kind === 'script' || job.source.kind === 'agent';
        const started = (before === undefined || isTerminal(before)) && !isTerminal(job.status) && !watchedElsewhere;
        if (started) this.shown.add(job.id);
        if (!this.shown.has(job.id)) return;
        if (!this.session) this.open().update();
        else this.scheduleUpdate();
      }),
    );
    this.register({
      dispose: () => {
        clearTimeout(this.updateTimer);
        this.session?.close();
      },
    });
  }

  private scheduleUpdate(): void {
    this.updateTimer ??= setTimeout(() => {
      this.updateTimer = undefined;
      this.session?.update();
    }, UPDATE_MS);
  }

  private open(): { update(): void; close(): void } {
    let session!: { update(): void; close(): void };
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Image Jobs', cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          const close = () => {
            cancelling.dispose();
            if (this.session === session) this.session = undefined;
            this.shown.clear();
            resolve();
          };
          const cancelling = token.onCancellationRequested(() => {
            for (const job of this.active()) void vscode.commands.executeCommand('imageJobs.job.cancel', job.id);
            close();
          });
          session = {
            close,
            update: () => {
              const jobs = this.active();
              if (jobs.length === 0) return close();
              // finished jobs count as done, so neither the total nor the bar shrinks as they finish;
              // the bar only moves forward: a job joining later does not pull it back
              const total = this.shownJobs();
              const percent = (100 * (total - jobs.length + jobs.reduce((sum, job) => sum + fractionDone(job), 0))) / total;
              progress.report({ message: progressMessage(jobs, total), increment: Math.max(0, percent - reported) });
              reported = Math.max(reported, percent);
            },
          };
        }),
    );
    return (this.session = session);
  }

  /** Jobs this notification has shown that still exist, finished or not. */
  private shownJobs(): number {
    let count = 0;
    for (const id of this.shown) if (this.store.get(id)) count++;
    return count;
  }

  private active(): JobRecord[] {
    return [...this.shown].map((id) => this.store.get(id)).filter((job): job is JobRecord => !!job && !isTerminal(job.status));
  }
}
