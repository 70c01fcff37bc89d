// Every change of a job's state reaches the log, with the job id, from one place: the store's change
// events. The manager, submitter and poller each change states in several places; watching the store
// means a new path (a retry, another window's outcome) cannot forget its line.
import type { Disposable } from '../events';
import { isTerminal, submittingWord, type JobRecord, type JobStatus } from '../jobModel';
import { jobLogName, type JobLogger } from './jobLog';
import type { JobStore } from './jobStore';

/** A job's state as its last change left it: its status, and a submission's in the rows' words ("waiting to send"). */
interface SeenState {
  readonly status: JobStatus;
  readonly word: string;
  /** As the log names it (jobLogName), for its last line once it is removed. */
  readonly name: string;
}

const seenState = (job: JobRecord): SeenState => ({
  status: job.status,
  word: job.status === 'submitting' ? submittingWord(job) : job.status,
  name: jobLogName(job),
});

export class JobTransitionLog implements Disposable {
  private readonly lastState = new Map<string, SeenState>();
  private readonly subscription: Disposable;

  /** Listens until disposed, or until `until` aborts (the engine closing). */
  constructor(
    store: JobStore,
    private readonly log: JobLogger,
    until?: AbortSignal,
  ) {
    for (const job of store.values()) this.lastState.set(job.id, seenState(job));
    this.subscription = store.onDidChange((change) => {
      if (change.kind === 'upsert') return this.onJob(change.job);
      const seen = this.lastState.get(change.id);
      if (!seen) return;
      this.lastState.delete(change.id);
      this.log.info(`[jobs] ${seen.name} removed from the list`);
    });
    until?.addEventListener('abort', () => this.dispose(), { once: true });
  }

  private onJob(job: JobRecord): void {
    const before = this.lastState.get(job.id);
    this.lastState.set(job.id, seenState(job));
    if (before?.status === job.status) return;
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
export function transitionLine(job: JobRecord, before: SeenState | undefined): string {
  const from = before ? `${before.word} → ` : '';
  const head = `[jobs] ${jobLogName(job)} ${from}${job.status}`;
  switch (job.status) {
    case 'queued':
      return `${head}${job.queuePosition ? ` (position ${job.queuePosition}${job.queueLength ? ` of ${job.queueLength}` : ''})` : ''}`;
    case 'running':
      return before && isTerminal(before.status) ? `${head}: retried, polling the provider's job ${job.remoteId ?? ''} again` : head;
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
