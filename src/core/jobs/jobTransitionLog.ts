// Every change of a job's state reaches the log, with the job id, from one place: the store's change
// events. The manager, submitter and poller each change states in several places; watching the store
// means a new path (a retry, another window's outcome) cannot forget its line.
import type { Disposable } from '../events';
import { isTerminal, type JobRecord, type JobStatus } from '../jobModel';
import { jobLogName, type JobLogger } from './jobLog';
import type { JobStore } from './jobStore';

export class JobTransitionLog implements Disposable {
  private readonly lastStatus = new Map<string, JobStatus>();
  private readonly subscription: Disposable;

  /** Listens until disposed, or until `until` aborts (the engine closing). */
  constructor(
    store: JobStore,
    private readonly log: JobLogger,
    until?: AbortSignal,
  ) {
    for (const job of store.values()) this.lastStatus.set(job.id, job.status);
    this.subscription = store.onDidChange((change) => {
      if (change.kind === 'upsert') return this.onJob(change.job);
      if (this.lastStatus.delete(change.id)) this.log.info(`[jobs] ${change.id} removed from the list`);
    });
    until?.addEventListener('abort', () => this.dispose(), { once: true });
  }

  private onJob(job: JobRecord): void {
    const before = this.lastStatus.get(job.id);
    if (before === job.status) return;
    this.lastStatus.set(job.id, job.status);
    // a new job's "recorded" line is written where it is recorded, with its request
    if (before === undefined && job.status === 'submitting') return;
    const line = transitionLine(job, before);
    if (job.status === 'failed') this.log.error(line);
    else if (job.status === 'expired') this.log.warn(line);
    else this.log.info(line);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}

/** `[jobs] <id> <before> → <after>: what it means`, the provider's message and request id included; a cell named by its values. */
export function transitionLine(job: JobRecord, before: JobStatus | undefined): string {
  const from = before ? `${before} → ` : '';
  const head = `[jobs] ${jobLogName(job)} ${from}${job.status}`;
  switch (job.status) {
    case 'queued':
      return `${head}${job.queuePosition ? ` (position ${job.queuePosition}${job.queueLength ? ` of ${job.queueLength}` : ''})` : ''}`;
    case 'running':
      return before && isTerminal(before) ? `${head}: retried, polling the provider's job ${job.remoteId ?? ''} again` : head;
    case 'downloading':
      return `${head}: the provider has the result`;
    case 'succeeded':
      return `${head}: ${job.assets.map((asset) => asset.path).join(', ')}`;
    case 'failed':
    case 'expired': {
      const error = job.error;
      if (!error) return `${head}: no reason given`;
      const requestId = error.requestId ? ` (request id ${error.requestId})` : '';
      return `${head} (${error.phase}${error.kind ? `, ${error.kind}` : ''}): ${error.message}${requestId}`;
    }
    default:
      return head;
  }
}
