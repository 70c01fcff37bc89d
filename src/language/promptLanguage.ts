import * as vscode from 'vscode';
import type { PromptDiagnostic, PromptParseResult } from '../core/prompt/promptFile';
import { isPromptFile, PROMPT_LANGUAGE_ID } from '../core/prompt/promptLanguageId';
import { providerAccessDiagnostics } from '../core/prompt/providerAccess';
import { generateTitle } from '../core/prompt/sweepCells';
import type { ApiKeys } from '../services/apiKeys';
import { defaultProvider } from '../services/config';
import { DisposableOwner } from '../services/disposables';
import { PromptEditorHelp } from './promptEditorHelp';
import { PromptParses } from './promptParses';
import { toVscodeRange } from './promptRanges';
import { ProviderAccessWatch } from './providerAccessWatch';

export { toVscodeRange } from './promptRanges';

const DEBOUNCE_MS = 250;

export function isPromptDocument(document: vscode.TextDocument): boolean {
  return isPromptFile({ languageId: document.languageId, path: document.uri.path });
}

const SEVERITY: Record<PromptDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/**
 * Keeps diagnostics of open .prompt files current (the parse's, and whether the model's provider
 * has its key and base URL), serves a "Generate" CodeLens at their top, and owns the editor help.
 */
export class PromptLanguageFeatures extends DisposableOwner implements vscode.CodeLensProvider {
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('imageJobs'));
  private readonly parses = new PromptParses();
  /** Each document's published diagnostics that carry a fix, for the quick fixes. */
  private readonly published = new Map<string, readonly PromptDiagnostic[]>();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly lensesChanged = this.register(new vscode.EventEmitter<void>());
  private readonly access: ProviderAccessWatch;
  readonly onDidChangeCodeLenses = this.lensesChanged.event;

  constructor(apiKeys: Pick<ApiKeys, 'has' | 'onDidChange'>) {
    super();
    this.access = this.register(new ProviderAccessWatch(apiKeys));
    this.register(new PromptEditorHelp((uri) => this.published.get(uri.toString()) ?? []));
    this.register(vscode.languages.registerCodeLensProvider({ language: PROMPT_LANGUAGE_ID }, this));
    this.register(vscode.workspace.onDidOpenTextDocument((document) => this.validateNow(document)));
    this.register(vscode.workspace.onDidChangeTextDocument((event) => this.validateSoon(event.document)));
    this.register(vscode.workspace.onDidCloseTextDocument((document) => this.forget(document)));
    // a key set or cleared (here or in another window), or a base URL changed
    this.register(this.access.onDidChange(() => vscode.workspace.textDocuments.forEach((document) => this.validateNow(document))));
    this.register({ dispose: () => this.pending.forEach((timer) => clearTimeout(timer)) });
    for (const document of vscode.workspace.textDocuments) this.validateNow(document);
  }

  /** Parses the document (once per version), publishes its diagnostics and returns the result. */
  validate(document: vscode.TextDocument): PromptParseResult {
    const result = this.parses.get(document);
    const all = [
      ...result.diagnostics,
      ...providerAccessDiagnostics(result.modelAt, result.modelAt ? this.access.state(result.modelAt.providerId) : {}),
    ];
    this.published.set(
      document.uri.toString(),
      all.filter((diagnostic) => diagnostic.fix),
    );
    this.diagnostics.set(
      document.uri,
      all.map((diagnostic) => {
        const item = new vscode.Diagnostic(toVscodeRange(diagnostic.range), diagnostic.message, SEVERITY[diagnostic.severity]);
        item.source = 'Image Jobs';
        return item;
      }),
    );
    return result;
  }

  private validateNow(document: vscode.TextDocument): void {
    if (isPromptDocument(document) && !document.isClosed) this.validate(document);
  }

  private validateSoon(document: vscode.TextDocument): void {
    if (!isPromptDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        if (this.isDisposed || document.isClosed) return;
        this.validate(document);
        this.lensesChanged.fire();
      }, DEBOUNCE_MS),
    );
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
    this.published.delete(key);
    this.parses.forget(document);
    this.diagnostics.delete(document.uri);
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const result = this.parses.get(document);
    const top = new vscode.Range(0, 0, 0, 0);
    const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length;
    if (!result.prompt) {
      return [
        new vscode.CodeLens(top, {
          title: `$(error) ${errors} problem${errors === 1 ? '' : 's'} to fix before generating`,
          command: 'workbench.actions.view.problems',
        }),
      ];
    }
    const { sweep, config } = result.prompt;
    const sweptModels = sweep?.find((axis) => axis.kind === 'model')?.values;
    const model = sweptModels
      ? sweptModels.join(', ')
      : result.prompt.model
        ? `${result.prompt.model.providerId}/${result.prompt.model.model}`
        : `${defaultProvider(document.uri)} (default)`;
    return [
      new vscode.CodeLens(top, {
        // says how many images a click makes before anything is sent: "Generate 4 images", "Generate 18 images (3 × 3 × 2)"
        title: `$(sparkle) ${generateTitle(sweep, config.count)}`,
        tooltip: sweep ? `Generate one job per combination of ${sweep.map((axis) => axis.key).join(' × ')}` : `Generate with ${model}`,
        command: 'imageJobs.generate',
        arguments: [document.uri],
      }),
      new vscode.CodeLens(top, { title: model, command: '' }),
    ];
  }
}
