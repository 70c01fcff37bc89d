// Turns what the user gave (a parsed .prompt file, a selection, typed text) plus settings into the
// request to submit and where its results go.
import { slugFromPrompt } from './assetNaming';
import { type GenerationParams, type GenerationRequest, type OutputTarget, type ProviderId } from './jobModel';
import type { PromptFile } from './promptFile';
import { renderTemplate } from './template';
import { providerInfo } from './providers/catalog';

export interface GenerationDefaults {
  readonly providerId: ProviderId;
  /** Per-provider default model from settings; falls back to the catalog's. */
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

function modelOrDefault(providerId: ProviderId, defaults: GenerationDefaults): string {
  return defaults.modelFor(providerId) || providerInfo(providerId).defaultModel;
}

export function planFromPromptFile(
  prompt: PromptFile,
  variableValues: Readonly<Record<string, string>>,
  fileBaseName: string,
  defaults: GenerationDefaults,
): GenerationPlan {
  const providerId = prompt.model?.providerId ?? defaults.providerId;
  const text = renderTemplate(prompt.template, { ...prompt.inputDefaults, ...variableValues }).trim();
  const { kind, ...config } = prompt.config;
  // only what the user set: each provider's documents give its own defaults
  const params: GenerationParams = stripUndefined(config);
  return {
    request: { providerId, model: prompt.model?.model ?? modelOrDefault(providerId, defaults), prompt: text, params, ...(kind === 'video' ? { operation: { kind: 'video' as const } } : {}) },
    output: {
      root: defaults.outputRoot,
      folder: prompt.output.folder ?? defaults.outputFolder,
      nameTemplate: prompt.output.name ?? defaults.nameTemplate,
      baseName: fileBaseName.replace(/\.prompt$/i, ''),
    },
  };
}

export function planFromText(text: string, defaults: GenerationDefaults): GenerationPlan {
  const prompt = text.trim();
  if (!prompt) throw new Error('The prompt is empty.');
  return {
    request: { providerId: defaults.providerId, model: modelOrDefault(defaults.providerId, defaults), prompt, params: {} },
    output: { root: defaults.outputRoot, folder: defaults.outputFolder, nameTemplate: defaults.nameTemplate, baseName: slugFromPrompt(prompt) },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
