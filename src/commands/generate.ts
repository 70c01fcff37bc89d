import * as vscode from 'vscode';
import { planFromPromptFile, planFromText, planSweep, type CellPlan, type GenerationPlan } from '../core/prompt/generationPlan';
import type { PromptFile, PromptParseResult } from '../core/prompt/promptFile';
import { engine } from '../services/engine';
import type { JobManager } from '../core/jobs/jobManager';
import type { JobSource } from '../core/jobModel';
import type { JobStore } from '../core/jobs/jobStore';
import { generationDefaults } from '../services/config';
import type { Log } from '../services/log';
import { outputRootFor } from '../services/workspaceAssets';
import { isPromptDocument, type PromptLanguageFeatures } from '../language/promptLanguage';
import { scriptedPrompt } from './commandArgs';
import { ArgumentError } from './commandRunner';
import { ProviderReadiness, type GoOn, type SetupCheck } from './providerReadiness';
import { submitSweep, type SweepTargets } from './sweepSubmission';
import { refuseUntrusted } from './trustRefusal';

/** What a checked .prompt file asks for: one job, or a sweep's batch. */
type Planned =
  | { readonly kind: 'single'; readonly plan: GenerationPlan; readonly source: JobSource }
  | {
      readonly kind: 'sweep';
      readonly cells: readonly CellPlan[];
      readonly prompt: PromptFile;
      readonly source: JobSource;
      readonly uri: vscode.Uri;
    };

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

/** The text of every selection of `editor`, one after the other, trimmed; empty with nothing selected. */
function selectionText(editor: vscode.TextEditor): string {
  return editor.selections
    .map((selection) => editor.document.getText(selection))
    .join('\n')
    .trim();
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
   * Palette, CodeLens, explorer and editor title: the given files, else the active .prompt file, else an
   * input box, holding the selection when there is one. Returns the job id (one file) or ids (several, or a sweep's).
   */
  async generate(target: GenerateTarget = { kind: 'context' }): Promise<string | string[] | undefined> {
    this.readiness.startCommand();
    if (target.kind === 'files' && target.uris.length === 1)
      return this.fromPromptFile(await vscode.workspace.openTextDocument(target.uris[0]!));
    if (target.kind === 'files') return this.fromPromptFiles(target.uris);
    if (target.kind === 'prompt') return this.fromText(target.prompt, { kind: 'script' });
    const editor = vscode.window.activeTextEditor;
    if (editor && isPromptDocument(editor.document)) return this.fromPromptFile(editor.document);
    // the palette's Generate asks for its prompt: a selection is offered there (on one line: the input
    // box has one) to send or change, never sent unseen, as it may be any text left selected;
    // "Generate Image from Selection" is the command that sends it at once
    const selected = editor ? selectionText(editor).replace(/\s*\n\s*/g, ' ') : '';
    const typed = await vscode.window.showInputBox({
      title: 'Image Jobs: Generate Image',
      prompt: selected ? 'Describe the image (filled in from the selection: Enter sends it, or edit it first)' : 'Describe the image',
      placeHolder: 'A lighthouse on a cliff at dusk, watercolor',
      value: selected || undefined,
      // the cursor at its end, nothing selected: the first key typed edits the prompt rather than replacing it
      valueSelection: selected ? [selected.length, selected.length] : undefined,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() ? undefined : 'Type a prompt, or press Escape to cancel'),
    });
    if (typed === undefined) return undefined;
    // sent as selected: a job from the selection, as the context menu's, with its document's output folder
    if (editor && selected && typed.trim() === selected)
      return this.fromText(typed, { kind: 'selection', uri: editor.document.uri.toString() }, editor.document.uri);
    return this.fromText(typed, { kind: 'input' });
  }

  /**
   * Several files from the explorer (a sweep): checked one by one (asking for missing values, and once
   * per provider for a missing key), then submitted together, so the store records them in a few
   * shared writes rather than one after another. Under one cancellable notification.
   */
  private async fromPromptFiles(uris: readonly vscode.Uri[]): Promise<string[]> {
    let ids: string[] = [];
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Image Jobs: submitting ${uris.length} prompt files`, cancellable: true },
      async (progress, token) => {
        const sources = await Promise.all(uris.map((uri) => this.readSelectedFile(uri)));
        const planned: Planned[] = [];
        for (const [index, uri] of uris.entries()) {
          if (token.isCancellationRequested) return;
          const plan = await this.planPromptFile(uri, await this.checkSelectedFile(uri, sources[index]!));
          if (plan) planned.push(plan);
        }
        const singles = planned.filter((entry) => entry.kind === 'single');
        const ready = new Map<string, boolean>();
        for (const { plan } of singles) {
          const { providerId } = plan.request;
          // a key prompt dismissed: the files of that provider can still go once the key is saved
          const again = () =>
            Promise.all(
              singles
                .filter((single) => single.plan.request.providerId === providerId)
                .map((single) => this.record(single.plan, single.source)),
            );
          if (!ready.has(providerId)) ready.set(providerId, await this.readiness.ensure(providerId, true, { again }));
        }
        if (token.isCancellationRequested) return;
        progress.report({ message: `${singles.length} jobs` });
        ids = await Promise.all(
          singles.filter(({ plan }) => ready.get(plan.request.providerId)).map(({ plan, source }) => this.record(plan, source)),
        );
        // a sweep file is a batch of its own, confirmed and submitted as when it is generated alone
        for (const sweep of planned) {
          if (token.isCancellationRequested) return;
          if (sweep.kind === 'sweep') ids.push(...((await this.submitSweep(sweep)) ?? []));
        }
      },
    );
    this.log.info(`[generate] ${ids.length} of ${uris.length} selected prompt files submitted`);
    return ids;
  }

  async generateFromSelection(): Promise<string | undefined> {
    this.readiness.startCommand();
    const editor = vscode.window.activeTextEditor;
    const text = editor && selectionText(editor);
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
    const defaults = generationDefaults(outputRootFor(this.globalStorage, scope), scope);
    const plan = planFromText(text, defaults);
    return this.submit(plan, source, {
      what: text,
      again: () => this.submit(plan, source),
      // typed text names no model: the offline Sandbox can make it at once
      ...(plan.request.providerId === 'sandbox'
        ? {}
        : { onSandbox: () => this.submit(planFromText(text, { ...defaults, providerId: 'sandbox' }), source) }),
    });
  }

  private async fromPromptFile(document: vscode.TextDocument): Promise<string | string[] | undefined> {
    const planned = await this.planPromptFile(document.uri, this.promptLanguage.validate(document));
    if (planned?.kind === 'sweep') return this.submitSweep(planned);
    if (!planned) return undefined;
    const { plan, source } = planned;
    return this.submit(plan, source, { what: plan.request.prompt, again: () => this.submit(plan, source) });
  }

  private submitSweep({ cells, prompt, source, uri }: Extract<Planned, { kind: 'sweep' }>): Promise<string[] | undefined> {
    return submitSweep(this.sweepTargets, cells, prompt, source, uri);
  }

  /**
   * A selected file as Generate reads it: its editor if open (unsaved edits count), else its text on
   * disk, read without opening it, so a sweep of a hundred files opens none and reads them all at once.
   */
  private async readSelectedFile(uri: vscode.Uri): Promise<vscode.TextDocument | string> {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    return open ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  }

  /** A file with problems is opened, so its diagnostics are in the Problems view the error message points to. */
  private async checkSelectedFile(uri: vscode.Uri, source: vscode.TextDocument | string): Promise<PromptParseResult> {
    if (typeof source !== 'string') return this.promptLanguage.validate(source);
    const result = engine().checkPromptFile(source);
    return result.prompt ? result : this.promptLanguage.validate(await vscode.workspace.openTextDocument(uri));
  }

  /** What a .prompt file asks for, asking for values it has no default for; undefined (and says why) when it cannot. */
  private async planPromptFile(uri: vscode.Uri, result: PromptParseResult): Promise<Planned | undefined> {
    const name = vscode.workspace.asRelativePath(uri);
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
      refuseUntrusted(
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
    const fileName = uri.path.split('/').pop() ?? 'prompt';
    const defaults = generationDefaults(outputRootFor(this.globalStorage, uri), uri);
    const source: JobSource = { kind: 'promptFile', uri: uri.toString() };
    if (prompt.sweep) return { kind: 'sweep', cells: planSweep(prompt, values, fileName, defaults), prompt, source, uri };
    return { kind: 'single', plan: planFromPromptFile(prompt, values, fileName, defaults), source };
  }

  /** `goOn`: what the toast after a dismissed key prompt offers, so the generation is not lost. */
  private async submit(plan: GenerationPlan, source: JobSource, goOn?: GoOn): Promise<string | undefined> {
    if (!(await this.readiness.ensure(plan.request.providerId, source.kind !== 'script', goOn))) return undefined;
    return this.record(plan, source);
  }

  /** Records and submits the job; its provider is known to be ready. */
  private async record(plan: GenerationPlan, source: JobSource): Promise<string> {
    const id = await this.jobs.submit(plan.request, source, plan.output);
    // resolved once submitted or failed: a failure has its own toast, so the status bar says nothing
    const submitted = this.store.get(id)?.remoteId !== undefined;
    this.log.info(`[generate] job ${id} from ${sourceInWords(source)}${submitted ? '' : ' was not submitted'}`);
    if (submitted) vscode.window.setStatusBarMessage('$(sparkle) Image job submitted', 3000);
    return id;
  }
}

/** Where a job came from, as the log says it: the prompt file's path, not the kind's internal name. */
function sourceInWords(source: JobSource): string {
  switch (source.kind) {
    case 'promptFile':
      return vscode.workspace.asRelativePath(vscode.Uri.parse(source.uri));
    case 'selection':
      return source.uri ? `a selection in ${vscode.workspace.asRelativePath(vscode.Uri.parse(source.uri))}` : 'a selection';
    case 'input':
      return 'a typed prompt';
    case 'script':
      return 'a command called by a script';
    case 'agent':
      return 'a chat agent';
  }
}
