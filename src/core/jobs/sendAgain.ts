// A job cancelled while its submission was on its way (sent, or about to be, and its provider's id not
// yet back): the provider may have received it, and may run and bill it, so a Retry that sends it
// again may make a second job. Where the provider takes an idempotency key (TAMS, the Sandbox), the
// same key goes again and the provider answers with the first job; elsewhere Retry asks first (the
// question is the VS Code side's: commands/jobCommands.ts).
import { providerInfo } from '../providers/catalog';
import type { JobRecord } from '../jobModel';

export type SendAgain =
  /** nothing of the job can be at its provider, or the provider's id for it is known: Retry as usual */
  | 'safe'
  /** sent again with the same idempotency key, which the provider folds into the first */
  | 'sameKey'
  /** the provider may have it and cannot tell a second sending from the first: ask before sending */
  | 'mayDuplicate';

/** What a Retry of the job risks at its provider; `idempotentSubmit`: the provider takes an idempotency key. */
export function sendAgainRisk(job: JobRecord, idempotentSubmit: boolean): SendAgain {
  if (job.status !== 'cancelled' || !job.cancelledWhileSending || job.remoteId) return 'safe';
  return idempotentSubmit ? 'sameKey' : 'mayDuplicate';
}

/** The question before such jobs are sent again: which provider may have them already, and why sending may make more. */
export function sendAgainQuestion(jobs: readonly JobRecord[]): { readonly question: string; readonly detail: string } {
  const names = [...new Set(jobs.map((job) => providerInfo(job.request.providerId).displayName))];
  const providers = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  const cannot = names.length === 1 ? 'It cannot' : names.length === 2 ? 'Neither can' : 'None of them can';
  const dashboards = names.length === 1 ? 'its dashboard shows what it has' : 'their dashboards show what they have';
  const one = jobs.length === 1;
  const it = one ? 'it' : 'them';
  return {
    question: `Send ${one ? 'the job' : `${jobs.length} jobs`} to ${providers} again?`,
    detail:
      `${one ? 'It was' : 'They were'} cancelled while ${one ? 'its request was' : 'their requests were'} on the way, before ` +
      `${providers} answered: ${providers} may have received ${it}, and may run and bill ${it}. ${cannot} tell a second ` +
      `sending from the first, so sending again may make ${one ? 'a second job' : 'second jobs'}; ${dashboards}.`,
  };
}
