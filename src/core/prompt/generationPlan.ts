// Turns what the user gave (a parsed .prompt file, a selection, typed text) plus settings into the
// request to submit and where its results go. The one place requests are built: diagnostics
// (promptCheck.ts) and submission check the same request with providers/requestRules.ts.
// Loaded at activation: no zod and no provider implementations here.
import { slugFromPrompt } from '../results/assetNaming';
import { type GenerationRequest, type OutputTarget, type ProviderId } from '../jobModel';
import type { PromptConfig, PromptFile, PromptModel } from './promptFile';
import { renderTemplate } from './template';
import { cellSettings, sweepCells, type SweepPlacement } from './sweepCells';
import { SANDBOX_MODELS } from '../providers/catalog';
import { withoutUndefined } from '../providers/common';

export interface GenerationDefaults {
  readonly providerId: ProviderId;
  /** Per-provider default model from settings (imageJobs.<provider>.defaultModel). */
  readonly modelFor: (providerId: ProviderId) => string | undefined;
  readonly outputFolder: string;
  readonly nameTemplate: string;
  /** URI of the folder results are saved under. */
  readonly outputRoot: string;
}

export interface GenerationPlan {
  readonly request: GenerationRequest;
  readonly output: OutputTarget;
}

/** One job of a sweep: its request, and its place in the sweep. */
export interface CellPlan extends GenerationPlan {
  readonly cell: SweepPlacement;
}

/** The model a prompt that names none uses: the provider's defaultModel setting (the Sandbox has one look). */
export function modelOrDefault(providerId: ProviderId, defaults: GenerationDefaults): string {
  return defaults.modelFor(providerId) || (providerId === 'sandbox' ? SANDBOX_MODELS[0] : '');
}

/** The request a model, a prompt and a file's `config` make: only what the user set is sent. */
export function buildRequest(model: PromptModel, prompt: string, config: PromptConfig = {}): GenerationRequest {
  const { kind, ...params } = config;
  return {
    providerId: model.providerId,
    model: model.model,
    prompt,
    params: withoutUndefined(params),
    ...(kind === 'video' ? { operation: { kind: 'video' as const } } : {}),
  };
}

export function planFromPromptFile(
  prompt: PromptFile,
  variableValues: Readonly<Record<string, string>>,
  fileBaseName: string,
  defaults: GenerationDefaults,
): GenerationPlan {
  const providerId = prompt.model?.providerId ?? defaults.providerId;
  const model = { providerId, model: prompt.model?.model ?? modelOrDefault(providerId, defaults) };
  const text = renderTemplate(prompt.template, { ...prompt.inputDefaults, ...variableValues }).trim();
  return {
    request: buildRequest(model, text, prompt.config),
    output: {
      root: defaults.outputRoot,
      folder: prompt.output.folder ?? defaults.outputFolder,
      nameTemplate: prompt.output.name ?? defaults.nameTemplate,
      baseName: fileBaseName.replace(/\.prompt$/i, ''),
    },
  };
}

/**
 * One plan per cell of the file's sweep, in product order (sweepCells.ts): each cell's values replace
 * what `config`, `model` and `input.default` say. The file must have a sweep.
 */
export function planSweep(
  prompt: PromptFile,
  variableValues: Readonly<Record<string, string>>,
  fileBaseName: string,
  defaults: GenerationDefaults,
): CellPlan[] {
  const axes = prompt.sweep ?? [];
  return sweepCells(axes).map((cell) => {
    const settings = cellSettings(axes, cell.values);
    const swept: PromptFile = { ...prompt, model: settings.model ?? prompt.model, config: { ...prompt.config, ...settings.config } };
    return { ...planFromPromptFile(swept, { ...variableValues, ...settings.variables }, fileBaseName, defaults), cell };
  });
}

export function planFromText(text: string, defaults: GenerationDefaults): GenerationPlan {
  const prompt = text.trim();
  if (!prompt) throw new Error('The prompt is empty.');
  return {
    request: buildRequest({ providerId: defaults.providerId, model: modelOrDefault(defaults.providerId, defaults) }, prompt),
    output: {
      root: defaults.outputRoot,
      folder: defaults.outputFolder,
      nameTemplate: defaults.nameTemplate,
      baseName: slugFromPrompt(prompt),
    },
  };
}
