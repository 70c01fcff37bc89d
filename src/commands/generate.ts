import * as vscode from 'vscode';
import { planFromPromptFile, planFromText, planSweep, type GenerationPlan } from '../core/prompt/generationPlan';
import type { JobManager } from '../core/jobs/jobManager';
import type { JobSource } from '../core/jobModel';
import type { JobStore } from '../core/jobs/jobStore';
import { generationDefaults } from '../services/config';
import type { Log } from '../services/log';
import { outputRootFor } from '../services/workspaceAssets';
import { isPromptDocument, type PromptLanguageFeatures } from '../language/promptLanguage';
import { scriptedPrompt } from './commandArgs';
import { ArgumentError } from './commandRunner';
import { ProviderReadiness, type SetupCheck } from './providerReadiness';
import { submitSweep, type SweepTargets } from './sweepSubmission';

/** What "Generate Image" was asked to do: files (the explorer's selection), a scripted prompt, or look around. */
export type GenerateTarget =
  | { readonly kind: 'files'; readonly uris: readonly vscode.Uri[] }
  | { readonly kind: 'prompt'; readonly prompt: string }
  | { readonly kind: 'context' };

/**
 * The explorer passes the clicked file and every selected one; CodeLens and the editor title pass the
 * file; scripts pass `{ prompt }`; the palette passes nothing.
 */
export function parseGenerateArgs(args: readonly unknown[]): GenerateTarget {
  const [first, second] = args;
  if (first instanceof vscode.Uri) {
    const selected = Array.isArray(second) ? second.filter((item): item is vscode.Uri => item instanceof vscode.Uri) : [];
    return { kind: 'files', uris: selected.some((uri) => uri.toString() === first.toString()) ? selected : [first] };
  }
  const prompt = scriptedPrompt(first);
  if (prompt !== undefined) return { kind: 'prompt', prompt };
  if (first === undefined) return { kind: 'context' };
  throw new ArgumentError('Expected a .prompt file, { prompt }, or nothing.');
}

/** "Generate Image" from a .prompt file, a selection, typed text or a script; each returns the new job id. */
export class GenerateCommands {
  private readonly readiness: ProviderReadiness;
  private readonly sweepTargets: SweepTargets;

  constructor(
    private readonly jobs: JobManager,
    private readonly promptLanguage: PromptLanguageFeatures,
    private readonly globalStorage: vscode.Uri,
    private readonly log: Log,
    private readonly store: JobStore,
    setup: SetupCheck,
  ) {
    this.readiness = new ProviderReadiness(setup, log);
    this.sweepTargets = { jobs, readiness: this.readiness, log, store };
  }

  /**
   * Palette, CodeLens, explorer and editor title: the given files, else the active .prompt file, else
   * the selection, else an input box. Returns the job id (one file) or ids (several, or a sweep's).
   */
  async generate(target: GenerateTarget = { kind: 'context' }): Promise<string | string[] | undefined> {
    this.readiness.startCommand();
    if (target.kind === 'files' && target.uris.length === 1)
      return this.fromPromptFile(await vscode.workspace.openTextDocument(target.uris[0]!));
    if (target.kind === 'files') return this.fromPromptFiles(target.uris);
    if (target.kind === 'prompt') return this.fromText(target.prompt, { kind: 'script' });
    const editor = vscode.window.activeTextEditor;
    if (editor && isPromptDocument(editor.document)) return this.fromPromptFile(editor.document);
    if (editor && !editor.selection.isEmpty) return this.generateFromSelection();
    const typed = await vscode.window.showInputBox({
      title: 'Image Jobs: Generate Image',
      prompt: 'Describe the image',
      placeHolder: 'A lighthouse on a cliff at dusk, watercolor',
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Type a prompt, or press Escape to cancel'),
    });
    return typed === undefined ? undefined : this.fromText(typed, { kind: 'input' });
  }

  /** Several files from the explorer: each is submitted, under one cancellable progress notification. */
  private async fromPromptFiles(uris: readonly vscode.Uri[]): Promise<string[]> {
    const ids: string[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Image Jobs: submitting ${uris.length} prompt files`, cancellable: true },
      async (progress, token) => {
        for (const [index, uri] of uris.entries()) {
          if (token.isCancellationRequested) break;
          progress.report({ message: `${index + 1}/${uris.length} ${vscode.workspace.asRelativePath(uri)}`, increment: 100 / uris.length });
          const id = await this.fromPromptFile(await vscode.workspace.openTextDocument(uri));
          if (id) ids.push(...[id].flat());
        }
      },
    );
    this.log.info(`[generate] ${ids.length} of ${uris.length} selected prompt files submitted`);
    return ids;
  }

  async generateFromSelection(): Promise<string | undefined> {
    this.readiness.startCommand();
    const editor = vscode.window.activeTextEditor;
    const text = editor?.selections
      .map((selection) => editor.document.getText(selection))
      .join('\n')
      .trim();
    if (!editor || !text) {
      void vscode.window.showWarningMessage('Select the prompt text first.');
      return undefined;
    }
    return this.fromText(text, { kind: 'selection', uri: editor.document.uri.toString() }, editor.document.uri);
  }

  private async fromText(text: string, source: JobSource, scope?: vscode.Uri): Promise<string | undefined> {
    if (!text.trim()) {
      void vscode.window.showWarningMessage('The prompt is empty.');
      return undefined;
    }
    return this.submit(planFromText(text, generationDefaults(outputRootFor(this.globalStorage, scope), scope)), source);
  }

  private async fromPromptFile(document: vscode.TextDocument): Promise<string | string[] | undefined> {
    const result = this.promptLanguage.validate(document);
    const name = vscode.workspace.asRelativePath(document.uri);
    if (!result.prompt) {
      const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
      const first = errors[0];
      const where = first ? ` Line ${first.range.start.line + 1}: ${first.message}` : '';
      void vscode.window
        .showErrorMessage(
          `${name} has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was submitted.${where}`,
          'Show Problems',
        )
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
        });
      return undefined;
    }
    const prompt = result.prompt;
    if (!vscode.workspace.isTrusted && prompt.model && prompt.model.providerId !== 'sandbox') {
      void vscode.window.showErrorMessage(
        `This workspace is not trusted, so its files can only use the Sandbox provider (${name} asks for ${prompt.model.providerId}).`,
      );
      return undefined;
    }
    const values: Record<string, string> = {};
    for (const variable of prompt.missingVariables) {
      const value = await vscode.window.showInputBox({
        title: `${name}: value for {{${variable}}}`,
        prompt: `No default in input.default`,
        ignoreFocusOut: true,
      });
      if (value === undefined) return undefined;
      values[variable] = value;
    }
    const fileName = document.uri.path.split('/').pop() ?? 'prompt';
    const defaults = generationDefaults(outputRootFor(this.globalStorage, document.uri), document.uri);
    const source: JobSource = { kind: 'promptFile', uri: document.uri.toString() };
    if (prompt.sweep) return submitSweep(this.sweepTargets, planSweep(prompt, values, fileName, defaults), prompt, source, document.uri);
    return this.submit(planFromPromptFile(prompt, values, fileName, defaults), source);
  }

  private async submit(plan: GenerationPlan, source: JobSource): Promise<string | undefined> {
    if (!(await this.readiness.ensure(plan.request.providerId, source.kind !== 'script'))) return undefined;
    const id = await this.jobs.submit(plan.request, source, plan.output);
    // resolved once submitted or failed: a failure has its own toast, so the status bar says nothing
    const submitted = this.store.get(id)?.remoteId !== undefined;
    this.log.info(`[generate] job ${id} from ${source.kind}${submitted ? '' : ' was not submitted'}`);
    if (submitted) vscode.window.setStatusBarMessage('$(sparkle) Image job submitted', 3000);
    return id;
  }
}
