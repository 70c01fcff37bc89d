import type * as vscode from 'vscode';
import type { PromptParseResult } from '../core/prompt/promptFile';
import { engine } from '../services/engine';

type ParsedDocument = Pick<vscode.TextDocument, 'uri' | 'version' | 'getText'>;

/**
 * One parse per version of a `.prompt` document, shared by its diagnostics, its CodeLens and
 * Generate: an edit is parsed (and checked against the provider) once, whoever asks first.
 */
export class PromptParses {
  private readonly latest = new Map<string, { readonly version: number; readonly result: PromptParseResult }>();

  constructor(private readonly parse: (source: string) => PromptParseResult = (source) => engine().checkPromptFile(source)) {}

  get(document: ParsedDocument): PromptParseResult {
    const key = document.uri.toString();
    const cached = this.latest.get(key);
    if (cached?.version === document.version) return cached.result;
    const result = this.parse(document.getText());
    this.latest.set(key, { version: document.version, result });
    return result;
  }

  /** A closed document's versions start over when it is opened again. */
  forget(document: Pick<vscode.TextDocument, 'uri'>): void {
    this.latest.delete(document.uri.toString());
  }
}
