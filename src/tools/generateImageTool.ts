// imageJobs_generate: a chat agent asks for images, and gets back where they were saved and what to
// insert. The job is an ordinary one (recorded first, in the Jobs view, saved with its sidecar); the
// tool waits for its end. What a call cannot do is said in its result, as the next step for the
// agent, never thrown: only a cancellation is. The deciding and the wording load with the engine on
// first use (generateImageDecision.ts, generateImageText.ts); this file adapts them to the window.
import * as vscode from 'vscode';
import type { JobManager } from '../core/jobs/jobManager';
import { whenJobEnds } from '../core/jobs/jobEnd';
import type { JobStore } from '../core/jobs/jobStore';
import type { ProviderId } from '../core/jobModel';
import { generationDefaults } from '../services/config';
import { engine } from '../services/engine';
import type { Log } from '../services/log';
import type { MissingSetup } from '../services/providerAccess';
import { savedAssetUri } from '../services/workspaceAssets';
import type { GenerationContext, GenerationDecision } from './generateImageDecision';
import { ImageReferences, resolveTargetDocument } from './toolDocuments';
import { textResult } from './toolResult';

/** How long a call waits for its job; a longer job goes on, and the result says where to look. */
const WAIT_MS = 5 * 60 * 1000;

export class GenerateImageTool implements vscode.LanguageModelTool<unknown> {
  private readonly context: GenerationContext<vscode.Uri>;

  constructor(
    private readonly jobs: JobManager,
    private readonly store: JobStore,
    setup: { missingSetup(providerId: ProviderId): Promise<MissingSetup | undefined> },
    private readonly log: Log,
  ) {
    this.context = {
      get hasFolder() {
        return (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
      },
      get trusted() {
        return vscode.workspace.isTrusted;
      },
      resolveTarget: resolveTargetDocument,
      defaultsFor: (target) => {
        const folder = (target && vscode.workspace.getWorkspaceFolder(target)) ?? vscode.workspace.workspaceFolders![0]!;
        return generationDefaults(folder.uri, target);
      },
      folderLabel: (root, folder) => {
        const segments = folder.split(/[\\/]/).filter((segment) => segment && segment !== '.');
        const uri = vscode.Uri.joinPath(vscode.Uri.parse(root), ...segments);
        return `${segments.length ? vscode.workspace.asRelativePath(uri) : (vscode.workspace.getWorkspaceFolder(uri)?.name ?? uri.fsPath)}/`;
      },
      missingSetup: (providerId) => setup.missingSetup(providerId),
    };
  }

  /** Side-effect free: the same checks as invoke, so a call that will be refused asks nothing. */
  async prepareInvocation(options: vscode.LanguageModelToolInvocationPrepareOptions<unknown>): Promise<vscode.PreparedToolInvocation> {
    const decision = await this.decide(options.input);
    if (decision.kind === 'refuse') return { invocationMessage: 'Checking the image request…' };
    const { invocationMessage, confirmationMessages } = engine();
    const running = invocationMessage(decision.summary);
    // the Sandbox is offline and free; any other provider may charge, so the user sees what will go
    if (decision.plan.request.providerId === 'sandbox') return { invocationMessage: running };
    const { title, message } = confirmationMessages(decision.summary);
    return { invocationMessage: running, confirmationMessages: { title, message: new vscode.MarkdownString(message) } };
  }

  async invoke(
    options: vscode.LanguageModelToolInvocationOptions<unknown>,
    token: vscode.CancellationToken,
  ): Promise<vscode.LanguageModelToolResult> {
    const decision = await this.decide(options.input);
    if (decision.kind === 'refuse') {
      this.log.info(`[agent] imageJobs_generate: ${decision.text.replace(/\s+/g, ' ')}`);
      return textResult(decision.text);
    }
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    const { plan, summary } = decision;
    const id = await this.jobs.submit(plan.request, { kind: 'agent' }, plan.output);
    this.log.info(`[agent] imageJobs_generate: job ${id}`);
    const stop = new AbortController();
    const cancelling = token.onCancellationRequested(() => {
      stop.abort();
      void this.jobs.cancel(id).catch((error) => this.log.warn(`[agent] job ${id}: cancel failed (${String(error)})`));
    });
    const end = await whenJobEnds(this.store, id, WAIT_MS, stop.signal).finally(() => cancelling.dispose());
    if (token.isCancellationRequested) throw new vscode.CancellationError();
    const text = engine();
    if (end.kind === 'removed') return textResult(text.JOB_REMOVED);
    if (end.kind === 'unfinished') return textResult(text.stillRunning(end.job, WAIT_MS, summary.outputFolder));
    const { job } = end;
    if (job.status !== 'succeeded') return textResult(text.endedWithoutImages(job));
    const references = new ImageReferences(decision.target);
    const images = job.assets.map((asset) => {
      const uri = savedAssetUri(job, asset);
      const reference = references.reference(uri, job.request.prompt);
      return { path: vscode.workspace.asRelativePath(uri), reference, width: asset.width, height: asset.height, seed: asset.seed };
    });
    return textResult(text.generatedText(job, images, references.relativeTo, plan.notes));
  }

  private decide(raw: unknown): Promise<GenerationDecision<vscode.Uri>> {
    return engine().decideGeneration(raw, this.context);
  }
}
