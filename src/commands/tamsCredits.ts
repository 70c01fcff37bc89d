// "TAMS: Estimate Credits": what the active (or given) .prompt file would cost, asked of TAMS's
// POST /v1/jobs/credits before anything is submitted.
import * as vscode from 'vscode';
import type { ProviderAccess } from '../core/jobs/providerCalls';
import { planFromPromptFile } from '../core/prompt/generationPlan';
import { generationDefaults } from '../services/config';
import { engine } from '../services/engine';
import { outputRootFor } from '../services/workspaceAssets';
import { isPromptDocument, type PromptLanguageFeatures } from '../language/promptLanguage';
import { ArgumentError } from './commandRunner';

/** The explorer and editor title pass the file; the palette passes nothing (the active editor). */
export function parseOptionalUri(args: readonly unknown[]): vscode.Uri | undefined {
  const [value] = args;
  if (value === undefined || value instanceof vscode.Uri) return value;
  throw new ArgumentError('Expected a .prompt file or nothing.');
}

export class TamsCreditCommands {
  constructor(
    private readonly access: ProviderAccess,
    private readonly promptLanguage: PromptLanguageFeatures,
    private readonly globalStorage: vscode.Uri,
  ) {}

  /** Resolves with the estimate in credits; fails with what to fix (shown by the command runner). */
  async estimate(target: vscode.Uri | undefined): Promise<number> {
    const editor = vscode.window.activeTextEditor;
    const document = target ? await vscode.workspace.openTextDocument(target) : editor?.document;
    if (!document || !isPromptDocument(document)) throw new Error('Open a .prompt file whose model is tams/<model id>, then estimate.');
    const name = vscode.workspace.asRelativePath(document.uri);
    const { prompt } = this.promptLanguage.validate(document);
    if (!prompt) throw new Error(`${name} has problems (see the Problems view); fix them to estimate its cost.`);
    // variables without a default do not change the cost: they stay as written
    const defaults = generationDefaults(outputRootFor(this.globalStorage, document.uri), document.uri);
    const { request } = planFromPromptFile(prompt, {}, document.uri.path.split('/').pop() ?? 'prompt', defaults);
    if (request.providerId !== 'tams') throw new Error(`${name} uses ${request.providerId}; credit estimates are a TAMS feature.`);
    const { context } = await this.access('tams');
    const credits = await engine().estimateTamsCredits(request, context);
    void vscode.window.showInformationMessage(`TAMS estimates ${credits} credit${credits === 1 ? '' : 's'} for ${name}.`);
    return credits;
  }
}
