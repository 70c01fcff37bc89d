import * as vscode from 'vscode';
import type { PromptCompletion } from '../core/prompt/promptCompletion';
import type { PromptDiagnostic, PromptFix } from '../core/prompt/promptFile';
import { PROMPT_LANGUAGE_ID } from '../core/prompt/promptLanguageId';
import { PROVIDERS } from '../core/providers/catalog';
import * as config from '../services/config';
import { DisposableOwner } from '../services/disposables';
import { engine } from '../services/engine';
import { toVscodeRange } from './promptRanges';

const SELECTOR: vscode.DocumentSelector = [{ language: PROMPT_LANGUAGE_ID }, { pattern: '**/*.prompt' }];

const COMPLETION_KIND: Record<PromptCompletion['kind'], vscode.CompletionItemKind> = {
  key: vscode.CompletionItemKind.Property,
  value: vscode.CompletionItemKind.Value,
  variable: vscode.CompletionItemKind.Variable,
};

/** The diagnostics of a document that carry a fix, as last published. */
export type PublishedFixes = (uri: vscode.Uri) => readonly PromptDiagnostic[];

/** Completion, hover and quick fixes for `.prompt` files; what to offer comes from the core. */
export class PromptEditorHelp
  extends DisposableOwner
  implements vscode.CompletionItemProvider, vscode.HoverProvider, vscode.CodeActionProvider
{
  static readonly codeActionKinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly publishedFixes: PublishedFixes) {
    super();
    // `[` and `,`: an item of a flow list (sweep's `model: [a, b]`)
    this.register(vscode.languages.registerCompletionItemProvider(SELECTOR, this, ':', '/', '{', ' ', '[', ','));
    this.register(vscode.languages.registerHoverProvider(SELECTOR, this));
    this.register(
      vscode.languages.registerCodeActionsProvider(SELECTOR, this, { providedCodeActionKinds: PromptEditorHelp.codeActionKinds }),
    );
  }

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] {
    const defaultModels = Object.fromEntries(PROVIDERS.map((provider) => [provider.id, defaultModel(provider.id, document.uri)]));
    return engine()
      .promptCompletions(document.getText(), document.offsetAt(position), { defaultModels })
      .map((completion, index) => {
        const item = new vscode.CompletionItem(completion.label, COMPLETION_KIND[completion.kind]);
        item.insertText = completion.snippet ? new vscode.SnippetString(completion.insertText) : completion.insertText;
        item.range = toVscodeRange(completion.range);
        item.detail = completion.detail;
        item.sortText = String(index).padStart(3, '0'); // the core's order: schema order, likely values first
        if (completion.documentation) item.documentation = new vscode.MarkdownString(completion.documentation);
        return item;
      });
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const hover = engine().promptHover(document.getText(), document.offsetAt(position));
    return hover && new vscode.Hover(new vscode.MarkdownString(hover.markdown), toVscodeRange(hover.range));
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const fixes = this.publishedFixes(document.uri);
    return context.diagnostics.flatMap((diagnostic) => {
      // the diagnostics VS Code hands back are copies: found again by range and message
      const published = fixes.find(
        (candidate) => candidate.message === diagnostic.message && toVscodeRange(candidate.range).isEqual(diagnostic.range),
      );
      return published?.fix ? [codeAction(document, diagnostic, published.fix)] : [];
    });
  }
}

function codeAction(document: vscode.TextDocument, diagnostic: vscode.Diagnostic, fix: PromptFix): vscode.CodeAction {
  const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  if (fix.kind === 'replace') {
    action.edit = new vscode.WorkspaceEdit();
    action.edit.replace(document.uri, diagnostic.range, fix.text);
    action.isPreferred = true;
  } else if (fix.kind === 'setApiKey') {
    action.command = { title: fix.title, command: 'imageJobs.setApiKey', arguments: [{ provider: fix.provider }] };
  } else {
    action.command = { title: fix.title, command: 'workbench.action.openSettings', arguments: [fix.setting] };
  }
  return action;
}

function defaultModel(providerId: (typeof PROVIDERS)[number]['id'], scope: vscode.Uri): string | undefined {
  return providerId === 'sandbox' ? undefined : config.get(`${providerId}.defaultModel`, scope) || undefined;
}
