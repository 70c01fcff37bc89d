// Waiting on one job's end, for a caller that hands the outcome back (a chat agent's tool call):
// settled by the store's own changes, never by polling it.
import { isTerminal, type JobRecord } from '../jobModel';
import type { JobStore } from './jobStore';

export type JobEnd =
  /** succeeded, failed, cancelled or expired */
  | { readonly kind: 'ended'; readonly job: JobRecord }
  /** Removed from the list, or replaced by a retry (which gives the job a new id). */
  | { readonly kind: 'removed' }
  /** Still going when the wait ran out, or was stopped: the job itself goes on. */
  | { readonly kind: 'unfinished'; readonly job: JobRecord; readonly reason: 'timeout' | 'stopped' };

export function whenJobEnds(
  store: Pick<JobStore, 'get' | 'onDidChange'>,
  id: string,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<JobEnd> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (end: JobEnd) => {
      if (settled) return;
      settled = true;
      subscription.dispose();
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
      resolve(end);
    };
    const look = (): boolean => {
      const job = store.get(id);
      if (!job) settle({ kind: 'removed' });
      else if (isTerminal(job.status)) settle({ kind: 'ended', job });
      else return false;
      return true;
    };
    const unfinished = (reason: 'timeout' | 'stopped') => {
      if (look()) return;
      settle({ kind: 'unfinished', job: store.get(id)!, reason });
    };
    const onStop = () => unfinished('stopped');
    const subscription = store.onDidChange((change) => {
      if ((change.kind === 'upsert' ? change.job.id : change.id) === id) look();
    });
    const timer = setTimeout(() => unfinished('timeout'), timeoutMs);
    stop?.addEventListener('abort', onStop);
    if (stop?.aborted) onStop();
    else look();
  });
}
