import * as vscode from 'vscode';
import type { TextRange } from '../core/prompt/textRange';

export function toVscodeRange(range: TextRange): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}
