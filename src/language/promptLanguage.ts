import * as vscode from 'vscode';
import type { PromptDiagnostic, PromptParseResult } from '../core/prompt/promptFile';
import type { TextRange } from '../core/prompt/textRange';
import { defaultProvider } from '../services/config';
import { PromptParses } from './promptParses';

const DEBOUNCE_MS = 250;

export function isPromptDocument(document: vscode.TextDocument): boolean {
  return document.languageId === 'dotprompt' || document.uri.path.endsWith('.prompt');
}

export function toVscodeRange(range: TextRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const SEVERITY: Record<PromptDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
};

/** Keeps diagnostics of open .prompt files current, and serves a "Generate" CodeLens at their top. */
export class PromptLanguageFeatures implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('imageJobs');
  private readonly parses = new PromptParses();
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly lensesChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.lensesChanged.event;

  constructor() {
    this.disposables.push(
      this.diagnostics,
      this.lensesChanged,
      vscode.languages.registerCodeLensProvider({ language: 'dotprompt' }, this),
      vscode.workspace.onDidOpenTextDocument((document) => this.validateNow(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.validateSoon(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document)),
    );
    for (const document of vscode.workspace.textDocuments) this.validateNow(document);
  }

  /** Parses the document (once per version), publishes its diagnostics and returns the result. */
  validate(document: vscode.TextDocument): PromptParseResult {
    const result = this.parses.get(document);
    this.diagnostics.set(
      document.uri,
      result.diagnostics.map((diagnostic) => {
        const item = new vscode.Diagnostic(toVscodeRange(diagnostic.range), diagnostic.message, SEVERITY[diagnostic.severity]);
        item.source = 'Image Jobs';
        return item;
      }),
    );
    return result;
  }

  private validateNow(document: vscode.TextDocument): void {
    if (isPromptDocument(document)) this.validate(document);
  }

  private validateSoon(document: vscode.TextDocument): void {
    if (!isPromptDocument(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.validate(document);
        this.lensesChanged.fire();
      }, DEBOUNCE_MS),
    );
  }

  private forget(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.delete(key);
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
    const model = result.prompt.model
      ? `${result.prompt.model.providerId}/${result.prompt.model.model}`
      : `${defaultProvider(document.uri)} (default)`;
    return [
      new vscode.CodeLens(top, {
        title: `$(sparkle) Generate`,
        tooltip: `Generate with ${model}`,
        command: 'imageJobs.generate',
        arguments: [document.uri],
      }),
      new vscode.CodeLens(top, { title: model, command: '' }),
    ];
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    for (const disposable of this.disposables) disposable.dispose();
  }
}
