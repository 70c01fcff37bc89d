// A job cancelled while its submission was on its way (sent, or about to be, and its provider's id not
// yet back), or one whose submission failed after it may have arrived (no answer in time, a 5xx): the
// provider may have received it, and may run and bill it, so a Retry that sends it again may make a
// second job. Where the provider takes an idempotency key (TAMS, the Sandbox), the
// same key goes again and the provider answers with the first job; elsewhere Retry asks first (the
// question is the VS Code side's: commands/jobCommands.ts).
import { providerInfo } from '../providers/catalog';
import type { JobRecord } from '../jobModel';
import { cellDescription } from '../prompt/sweepCells';
import { oneLine } from '../oneLine';

export type SendAgain =
  /** nothing of the job can be at its provider, or the provider's id for it is known: Retry as usual */
  | 'safe'
  /** sent again with the same idempotency key, which the provider folds into the first */
  | 'sameKey'
  /** the provider may have it and cannot tell a second sending from the first: ask before sending */
  | 'mayDuplicate';

/** What a Retry of the job risks at its provider; `idempotentSubmit`: the provider takes an idempotency key. */
export function sendAgainRisk(job: JobRecord, idempotentSubmit: boolean): SendAgain {
  if (job.remoteId || !mayBeAtProvider(job)) return 'safe';
  return idempotentSubmit ? 'sameKey' : 'mayDuplicate';
}

/**
 * Cancelled while its submission was on its way, or failed after it may have reached the provider (no
 * answer in time, a 5xx, an unreadable answer, the window closing meanwhile): its provider's id unknown.
 */
function mayBeAtProvider(job: JobRecord): boolean {
  if (job.status === 'cancelled') return job.cancelledWhileSending === true;
  return job.status === 'failed' && job.error?.phase === 'submit' && job.error.mayExist === true;
}

/** A job as the question names it: its sweep cell's values, or the start of its prompt. */
function jobName(job: JobRecord): string {
  return `“${job.sweep ? cellDescription(job.sweep) : oneLine(job.request.prompt, 40)}”`;
}

export interface SendAgainQuestion {
  readonly question: string;
  readonly detail: string;
  /** The button that sends every job, the doubtful ones included. */
  readonly sendAll: string;
  /** With `others` safe jobs beside the doubtful ones: the button that sends those only. */
  readonly sendOthers?: string;
  /** The dismissal: nothing is sent. */
  readonly sendNone: string;
}

/**
 * The question before jobs are sent again when some of them (`doubtful`) may be at their provider
 * already: which, where, why sending may make more, and what each answer sends (`others`: the jobs
 * beside them that are safe to send).
 */
export function sendAgainQuestion(doubtful: readonly JobRecord[], others = 0): SendAgainQuestion {
  const names = [...new Set(doubtful.map((job) => providerInfo(job.request.providerId).displayName))];
  const providers = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
  const cannot = names.length === 1 ? 'cannot' : names.length === 2 ? 'neither can' : 'none of them can';
  const dashboards = names.length === 1 ? 'its dashboard shows what it has' : 'their dashboards show what they have';
  const one = doubtful.length === 1;
  const it = one ? 'it' : 'them';
  const listed =
    doubtful.length <= 3
      ? doubtful.map(jobName).join(', ')
      : `${doubtful.slice(0, 2).map(jobName).join(', ')} and ${doubtful.length - 2} more`;
  const cancelled = doubtful.some((job) => job.status === 'cancelled');
  const failed = doubtful.some((job) => job.status !== 'cancelled');
  const ended = cancelled ? `${one ? 'was' : 'were'} cancelled${failed ? ' or failed' : ''}` : 'failed';
  const why =
    `${providers} may already have ${it}: ${one ? 'its request was' : 'their requests were'} sent, and ${one ? 'it' : 'they'} ${ended} ` +
    `before ${providers} answered. ${providers} may run and bill ${it}, and ${cannot} tell a second sending from the first, so ` +
    `sending again may make ${one ? 'a second job' : 'second jobs'}; ${dashboards}.`;
  if (others === 0)
    return {
      question: `Send ${one ? 'the job' : `${doubtful.length} jobs`} ${listed} to ${providers} again?`,
      detail: why,
      sendAll: 'Send Again',
      sendNone: "Don't Send",
    };
  const total = doubtful.length + others;
  return {
    question: `Retry ${total} jobs? ${listed} may be at ${providers} already`,
    detail: `${why} Retrying the other ${others === 1 ? 'one' : others} cannot make a second job.`,
    sendAll: `Retry All ${total}`,
    sendOthers: `Retry the Other ${others}`,
    sendNone: "Don't Retry",
  };
}
