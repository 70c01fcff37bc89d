// What the editor shows for a `.prompt` file: a ranged message, and the fix it offers, if any.
import type { ProviderId } from '../jobModel';
import type { TextRange } from './textRange';

export type DiagnosticSeverity = 'error' | 'warning' | 'information';

/** A quick fix, in terms the VS Code side turns into a CodeAction. */
export type PromptFix =
  /** Replaces the diagnostic's range with `text` (a misspelt key, provider or model). */
  | { readonly kind: 'replace'; readonly title: string; readonly text: string }
  | { readonly kind: 'setApiKey'; readonly title: string; readonly provider: ProviderId }
  | { readonly kind: 'openSettings'; readonly title: string; readonly setting: string };

export interface PromptDiagnostic {
  readonly message: string;
  readonly severity: DiagnosticSeverity;
  readonly range: TextRange;
  readonly fix?: PromptFix;
}

export function replaceWith(text: string): PromptFix {
  return { kind: 'replace', title: `Change to "${text}"`, text };
}
