// Generate for a `.prompt` file with a sweep: all of its jobs or none. Every cell must pass its
// provider's rules, a large sweep is confirmed, every provider must be ready; then the jobs are
// recorded as one batch (JobManager.submitBatch).
import * as vscode from 'vscode';
import type { JobManager } from '../core/jobs/jobManager';
import type { JobStore } from '../core/jobs/jobStore';
import type { JobSource } from '../core/jobModel';
import type { CellPlan } from '../core/prompt/generationPlan';
import type { PromptFile } from '../core/prompt/promptFile';
import { cellDescription, sweepConfirmReason, sweepShapeNote } from '../core/prompt/sweepCells';
import { blockingProblems } from '../core/providers/types';
import { sweepConfirmAbove } from '../services/config';
import { engine } from '../services/engine';
import type { Log } from '../services/log';
import type { ProviderReadiness } from './providerReadiness';
import { refuseUntrusted } from './trustRefusal';

export interface SweepTargets {
  readonly jobs: JobManager;
  readonly readiness: ProviderReadiness;
  readonly log: Log;
  readonly store: JobStore;
}

/**
 * A sweep, all or nothing: every cell must pass its provider's rules (a file without a model is
 * checked here against the default provider), a large one is confirmed, every provider must be
 * ready; then its jobs are recorded as one batch. Returns their ids once recorded.
 */
export async function submitSweep(
  targets: SweepTargets,
  plans: readonly CellPlan[],
  prompt: PromptFile,
  source: JobSource,
  uri: vscode.Uri,
): Promise<string[] | undefined> {
  const { jobs, readiness, log, store } = targets;
  const name = vscode.workspace.asRelativePath(uri);
  const providers = [...new Set(plans.map((plan) => plan.request.providerId))];
  if (!vscode.workspace.isTrusted && providers.some((provider) => provider !== 'sandbox')) {
    refuseUntrusted(
      `This workspace is not trusted, so its files can only use the Sandbox provider (${name} sweeps ${providers.join(', ')}).`,
    );
    return undefined;
  }
  const refused = firstRefusedCell(plans);
  if (refused) {
    void vscode.window.showErrorMessage(`${name}: nothing was submitted. ${refused}`);
    return undefined;
  }
  const shape = sweepShapeNote(prompt.sweep ?? []);
  const confirmAbove = sweepConfirmAbove(uri);
  if (plans.length > confirmAbove) {
    const go = `Generate ${plans.length} Jobs`;
    const choice = await vscode.window.showWarningMessage(
      `${name} sweeps ${plans[0]!.cell.keys.join(' × ')}: ${plans.length} jobs (${shape}).`,
      { modal: true, detail: sweepConfirmReason(confirmAbove) },
      go,
    );
    if (choice !== go) return undefined;
  }
  // a key prompt dismissed: the toast saying nothing was sent can send the whole sweep once the key is saved
  const again = () => submitSweep(targets, plans, prompt, source, uri);
  for (const provider of providers) if (!(await readiness.ensure(provider, true, { again }))) return undefined;
  const { batchId, ids, sent } = await jobs.submitBatch(plans, source);
  log.info(`[generate] batch ${batchId}: ${ids.length} jobs (${shape}) from ${name}`);
  // recorded, not sent yet: the cells go one after another, and a rate limit may hold them
  vscode.window.setStatusBarMessage(`$(sparkle) Sending ${ids.length} image jobs (${shape})`, 3000);
  void sent.then(() => {
    const unsent = ids.filter((id) => store.get(id)?.remoteId === undefined).length;
    const rest = unsent ? `; ${unsent} not (cancelled, removed or failed first: their rows and lines above say which)` : '';
    log.info(`[generate] batch ${batchId}: ${ids.length - unsent} of ${ids.length} jobs sent${rest}`);
  });
  return [...ids];
}

/** The first cell a provider would refuse, in words; undefined when every cell may be sent. */
function firstRefusedCell(plans: readonly CellPlan[]): string | undefined {
  const { validateRequest, PROVIDER_IMPLEMENTATIONS } = engine();
  for (const plan of plans) {
    const problems = blockingProblems(validateRequest(plan.request, PROVIDER_IMPLEMENTATIONS[plan.request.providerId]));
    if (problems.length === 0) continue;
    return `The job with ${cellDescription(plan.cell)} would be refused: ${problems.map((problem) => problem.message).join('; ')}.`;
  }
  return undefined;
}
