import * as vscode from 'vscode';
import type { ReferenceInserter } from './referenceInsertion';
import { describeError } from '../core/errors';
import { JobBatches } from '../core/jobs/jobBatches';
import type { JobManager } from '../core/jobs/jobManager';
import { isCancelable, isRetryable, type GenerationRequest, type JobRecord } from '../core/jobModel';
import type { JobStore } from '../core/jobs/jobStore';
import type { JobLogger } from '../core/jobs/jobLog';
import { savedAssetUri } from '../services/workspaceAssets';
import type { InsertAssetArgs } from './commandArgs';
import { randomSeed, withSeed } from './rerunRequest';
import { refuseUntrusted } from './trustRefusal';
import { templateForRerunCell } from '../core/results/assetNaming';
import { batchName } from '../views/batchPresentation';
import { copiedJobId } from '../views/copiedJobId';
import { localCancelNote, localCancelSummary } from '../core/jobs/localCancel';
import { sendAgainQuestion } from '../core/jobs/sendAgain';
import { clearConfirmation, clearedMessage, CONFIRM_CLEAR_ABOVE, nothingToClear, planClearFinished } from '../views/clearFinished';

export type { InsertAssetArgs } from './commandArgs';

const CANCEL_JOBS: vscode.MessageItem = { title: 'Cancel Jobs' };
// the modal's own dismiss button would say "Cancel" too, beside "Cancel Jobs": this one says what it does
const KEEP_RUNNING: vscode.MessageItem = { title: 'Keep Running', isCloseAffordance: true };
const CLEAR_JOBS: vscode.MessageItem = { title: 'Clear Jobs' };
const CANCEL_JOB = 'Cancel Job';
const COPY_JOB_ID = 'Copy Job ID';

/** "3 unfinished image jobs", as the cancel confirmations count them. */
const unfinishedJobs = (count: number) => `${count} unfinished image job${count === 1 ? '' : 's'}`;

/** The modal question before cancelling many jobs at once; true when the user confirms. */
async function confirmCancel(question: string, detail: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(question, { modal: true, detail }, CANCEL_JOBS, KEEP_RUNNING)) === CANCEL_JOBS;
}

/** Actions on one job or a sweep's batch (tree context menu, gallery, scripts) and reference insertion. */
export class JobCommands {
  private readonly batches: JobBatches;

  constructor(
    private readonly store: JobStore,
    private readonly jobs: JobManager,
    private readonly references: ReferenceInserter,
    private readonly log: JobLogger,
  ) {
    this.batches = new JobBatches(() => store.values(), jobs);
  }

  private job(id: string): JobRecord | undefined {
    const job = this.store.get(id);
    // a toast or a script may name a job removed since (Remove Job, Clear Finished Jobs)
    if (!job)
      void vscode.window.showWarningMessage(
        'That job is no longer in the Jobs view (it was removed or cleared). Its saved images stay in the gallery; to make it again, run Generate Image.',
      );
    return job;
  }

  async cancel(jobId: string): Promise<void> {
    const job = this.job(jobId);
    if (!job) return;
    try {
      await this.jobs.cancel(job.id);
    } catch (error) {
      throw new Error(`Could not cancel the job: ${describeError(error)}`, { cause: error });
    }
    const cancelled = this.store.get(job.id);
    const note = cancelled && localCancelNote(cancelled);
    if (!note) return;
    // the provider could not be asked: the user must know the job may still run (and its id, to find it there)
    const copy = cancelled.remoteId ? [COPY_JOB_ID] : [];
    void vscode.window.showWarningMessage(note, ...copy).then((choice) => {
      if (choice === COPY_JOB_ID) void vscode.commands.executeCommand('imageJobs.job.copyId', job.id);
    });
  }

  /** After several jobs were cancelled at once: which of them the provider could not be asked to stop. */
  private tellLocalCancels(ids: readonly string[]): void {
    const summary = localCancelSummary(ids.map((id) => this.store.get(id)).filter((job): job is JobRecord => job !== undefined));
    if (summary) void vscode.window.showWarningMessage(summary);
  }

  /** `confirmed`: a script's `{ jobId, confirmed: true }`, which sends a job that may be at its provider without asking. */
  async retry(jobId: string, confirmed = false): Promise<string | undefined> {
    const job = this.job(jobId);
    if (!job) return undefined;
    const except = await this.askSendAgain([job], confirmed);
    return except && !except.has(job.id) ? this.jobs.retry(job.id) : undefined;
  }

  /**
   * Jobs about to be retried that were cancelled or failed on their way to a provider without an idempotency key
   * may be there already (sendAgain.ts): the user decides, in a modal, whether they go again. Resolves
   * with the ids to leave out, or undefined when nothing is to be retried. `confirmed`: the caller
   * (a script) answered already, sending them all; the log says so, as it says what the user answered.
   */
  private async askSendAgain(jobs: readonly JobRecord[], confirmed = false): Promise<ReadonlySet<string> | undefined> {
    const risks = await Promise.all(jobs.map((job) => this.jobs.sendAgainRisk(job.id)));
    const doubtful = jobs.filter((_, index) => risks[index] === 'mayDuplicate');
    if (doubtful.length === 0) return new Set();
    const maybeThere = `${doubtful.map((job) => job.id).join(', ')} may be at the provider`;
    if (confirmed) {
      this.log.info(`[retry] sent again without asking, confirmed by the caller (${maybeThere})`);
      return new Set();
    }
    const asked = sendAgainQuestion(doubtful, jobs.length - doubtful.length);
    const sendAll: vscode.MessageItem = { title: asked.sendAll };
    const sendOthers: vscode.MessageItem[] = asked.sendOthers ? [{ title: asked.sendOthers }] : [];
    const sendNone: vscode.MessageItem = { title: asked.sendNone, isCloseAffordance: true };
    const choice = await vscode.window.showWarningMessage(
      asked.question,
      { modal: true, detail: asked.detail },
      sendAll,
      ...sendOthers,
      sendNone,
    );
    // the button the user pressed, in its own words ("Don't Send"; Escape or the close box as "dismissed")
    this.log.info(`[retry] asked before sending again (${maybeThere}): ${choice?.title ?? 'dismissed'}`);
    if (choice === sendAll) return new Set();
    return choice === sendOthers[0] ? new Set(doubtful.map((job) => job.id)) : undefined;
  }

  /**
   * The batch row's Cancel Batch: cancels every unfinished cell, after a modal confirmation naming the
   * batch and how many (scripts pass `{ batchId, confirmed: true }`). Resolves with how many.
   */
  async cancelBatch(batchId: string, confirmed: boolean): Promise<number> {
    if (!this.batchExists(batchId)) return 0;
    const jobs = this.batches.of(batchId);
    const unfinished = jobs.filter(isCancelable).length;
    if (unfinished === 0) {
      void vscode.window.showInformationMessage('No job of the batch is unfinished.');
      return 0;
    }
    const question = `Cancel ${unfinishedJobs(unfinished)} of the sweep ${batchName(jobs)}?`;
    const detail =
      'Each provider that can is asked to stop its job; finished cells keep their images, and Retry Failed and Cancelled in Batch starts the cancelled ones again.';
    if (!confirmed && !(await confirmCancel(question, detail))) return 0;
    const targets = jobs.filter(isCancelable).map((job) => job.id);
    const count = await this.batches.cancel(batchId);
    this.tellLocalCancels(targets);
    return count;
  }

  /** Retries every cell of the batch that ended without a result; returns the ids that carry on. */
  async retryBatch(batchId: string): Promise<string[]> {
    if (!this.batchExists(batchId)) return [];
    const except = await this.askSendAgain(this.batches.of(batchId).filter(isRetryable));
    if (!except) return [];
    const ids = await this.batches.retry(batchId, except);
    vscode.window.setStatusBarMessage(
      `$(sparkle) ${ids.length} image job${ids.length === 1 ? '' : 's'} of the batch submitted again`,
      3000,
    );
    return ids;
  }

  /** Removes the batch's jobs (their files stay), once none is running. */
  async removeBatch(batchId: string): Promise<void> {
    if (!this.batchExists(batchId)) return;
    if (!(await this.batches.remove(batchId))) {
      void vscode.window.showInformationMessage('Some jobs of the batch are still running: cancel the batch before removing it.');
    }
  }

  private batchExists(batchId: string): boolean {
    const exists = this.batches.of(batchId).length > 0;
    if (!exists) void vscode.window.showWarningMessage('That batch no longer has any jobs.');
    return exists;
  }

  /** Submits a finished job's request again, as a new job from the same source; returns its id. */
  async runAgain(jobId: string): Promise<string | undefined> {
    const job = this.job(jobId);
    return job ? this.resubmit(job, job.request) : undefined;
  }

  /** Like runAgain with a fresh random seed, which the new job's tooltip and the status bar show. */
  async runWithNewSeed(jobId: string): Promise<string | undefined> {
    const job = this.job(jobId);
    if (!job) return undefined;
    const seed = randomSeed();
    const id = await this.resubmit(job, withSeed(job.request, seed));
    if (id) vscode.window.setStatusBarMessage(`$(sparkle) Image job submitted with seed ${seed}`, 5000);
    return id;
  }

  private async resubmit(job: JobRecord, request: GenerationRequest): Promise<string | undefined> {
    // the same rule as Generate: an untrusted workspace only sends prompts to the offline Sandbox
    if (!vscode.workspace.isTrusted && request.providerId !== 'sandbox') {
      refuseUntrusted(
        `This workspace is not trusted, so its jobs can only run again on the Sandbox provider (this one used ${request.providerId}).`,
      );
      return undefined;
    }
    // a sweep's cell, made again outside its batch: its file is still named by its values
    const output = job.sweep
      ? { ...job.output, nameTemplate: templateForRerunCell(job.output.nameTemplate, job.sweep, request.params.seed) }
      : job.output;
    return this.jobs.submit(request, job.source, output);
  }

  async openResult(jobId: string): Promise<void> {
    const job = this.job(jobId);
    const asset = job?.assets[0];
    if (!job || !asset) return;
    await vscode.commands.executeCommand('vscode.open', savedAssetUri(job, asset), { preview: true });
  }

  /** The provider's id for the job, else this extension's own (and the status bar says which it is). */
  async copyId(jobId: string): Promise<string | undefined> {
    const job = this.job(jobId);
    if (!job) return undefined;
    const copied = copiedJobId(job);
    await vscode.env.clipboard.writeText(copied.id);
    vscode.window.setStatusBarMessage(copied.message, 5000);
    return copied.id;
  }

  /** The context menu's Remove and the Delete key: a job still running must be cancelled first (one click away). */
  async remove(jobId: string): Promise<void> {
    const job = this.job(jobId);
    if (!job) return;
    if (isCancelable(job)) {
      // not awaited: Delete on several rows goes on while the toast waits
      void vscode.window
        .showInformationMessage(`The job is still ${job.status}: cancel it before removing it.`, CANCEL_JOB)
        .then((choice) => {
          if (choice === CANCEL_JOB) void vscode.commands.executeCommand('imageJobs.job.cancel', job.id);
        });
      return;
    }
    await this.jobs.remove(job.id);
  }

  /**
   * The Jobs view's "Clear Finished Jobs": forgets succeeded and cancelled jobs (planClearFinished says
   * which stay), after a modal confirmation when more than a handful would go (scripts pass
   * `{ confirmed: true }`). Files stay on disk. Resolves with how many were cleared.
   */
  async clearFinished(confirmed: boolean): Promise<number> {
    const plan = planClearFinished(this.store.all());
    if (plan.remove.length === 0) {
      void vscode.window.showInformationMessage(nothingToClear(plan));
      return 0;
    }
    if (!confirmed && plan.remove.length > CONFIRM_CLEAR_ABOVE) {
      const { question, detail } = clearConfirmation(plan);
      if ((await vscode.window.showWarningMessage(question, { modal: true, detail }, CLEAR_JOBS)) !== CLEAR_JOBS) return 0;
    }
    // together: their removals share the journal's writes
    await Promise.all(plan.remove.map((job) => this.jobs.remove(job.id)));
    vscode.window.setStatusBarMessage(clearedMessage(plan), 5000);
    return plan.remove.length;
  }

  /**
   * The Jobs view's "Cancel All Unfinished Jobs": after a modal confirmation naming how many (scripts
   * pass `{ confirmed: true }`). Resolves with how many were cancelled.
   */
  async cancelAll(confirmed: boolean): Promise<number> {
    const unfinished = this.store.all().filter(isCancelable);
    if (unfinished.length === 0) {
      void vscode.window.showInformationMessage('No image job is unfinished.');
      return 0;
    }
    const count = unfinishedJobs(unfinished.length);
    const detail = 'Each provider that can is asked to stop its job; jobs stay in the list, and Retry starts one again.';
    if (!confirmed && !(await confirmCancel(`Cancel ${count}?`, detail))) return 0;
    const results = await Promise.allSettled(unfinished.map((job) => this.jobs.cancel(job.id)));
    this.tellLocalCancels(unfinished.map((job) => job.id));
    const failed = results.filter((result) => result.status === 'rejected').length;
    if (failed > 0) throw new Error(`${failed} of ${count} could not be cancelled; the log says why`);
    return unfinished.length;
  }

  /** Inserts a reference to a saved asset where the user writes (ReferenceInserter.insert); returns the text inserted. */
  async insertAsset(args: InsertAssetArgs): Promise<string | undefined> {
    const job = this.job(args.jobId);
    const asset = job?.assets[args.index ?? 0];
    if (!job || !asset) return undefined;
    return this.references.insert({ uri: savedAssetUri(job, asset), workspacePath: asset.path, alt: job.request.prompt });
  }
}
