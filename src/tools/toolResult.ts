import * as vscode from 'vscode';

/** A tool's answer to the agent: one text part, which every chat model reads. */
export function textResult(text: string): vscode.LanguageModelToolResult {
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(text)]);
}
