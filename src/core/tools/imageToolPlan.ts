// The request a chat agent's imageJobs_generate call makes: its model resolved against the settings,
// its parameters checked against the provider's documented limits, and where the images go. Built
// with the one request builder (generationPlan.ts), as every other job is. Engine bundle only: it
// loads the provider implementations for their limits.
import { buildRequest, modelOrDefault, type GenerationDefaults, type GenerationPlan } from '../prompt/generationPlan';
import type { PromptModel } from '../prompt/frontMatterCheck';
import { withProviderName } from '../prompt/providerMessages';
import { closestName } from '../prompt/suggestions';
import { isProviderId, PROVIDER_IDS, providerInfo } from '../providers/catalog';
import { withoutUndefined } from '../providers/common';
import { PROVIDER_IMPLEMENTATIONS } from '../providers/registry';
import { validateRequest } from '../providers/requestRules';
import { blockingProblems } from '../providers/types';
import { slugFromPrompt } from '../results/assetNaming';
import type { ProviderId } from '../jobModel';
import type { GenerateImageInput, ToolInput } from './imageToolInput';

export interface ImageToolPlan extends GenerationPlan {
  /** What goes differently from what was asked (a value the provider has no field for), for the agent. */
  readonly notes: readonly string[];
}

/**
 * `provider/model`, a provider alone (its default model), or a model of the default provider;
 * nothing means the default provider and its default model.
 */
export function resolveToolModel(written: string | undefined, defaults: GenerationDefaults): ToolInput<PromptModel> {
  const model = readModel(written, defaults);
  if ('problem' in model) return { ok: false, problems: [model.problem] };
  if (!model.model) {
    const { displayName } = providerInfo(model.providerId);
    const setting = `imageJobs.${model.providerId}.defaultModel`;
    return {
      ok: false,
      problems: [`model: ${displayName} has no default model: pass "${model.providerId}/<model>", or ask the user to set ${setting}`],
    };
  }
  return { ok: true, value: model };
}

function readModel(written: string | undefined, defaults: GenerationDefaults): PromptModel | { readonly problem: string } {
  const withDefault = (providerId: ProviderId) => ({ providerId, model: modelOrDefault(providerId, defaults) });
  if (written === undefined) return withDefault(defaults.providerId);
  const slash = written.indexOf('/');
  if (slash < 0) return isProviderId(written) ? withDefault(written) : { providerId: defaults.providerId, model: written };
  const named = written.slice(0, slash);
  const model = written.slice(slash + 1).trim();
  if (isProviderId(named)) return { providerId: named, model };
  const near = closestName(named, PROVIDER_IDS);
  return {
    problem: `model: unknown provider "${named}": ${near ? `did you mean "${near}/${model}"?` : `use one of ${PROVIDER_IDS.join(', ')}`}`,
  };
}

export function planImageTool(input: GenerateImageInput, defaults: GenerationDefaults): ToolInput<ImageToolPlan> {
  const model = resolveToolModel(input.model, defaults);
  if (!model.ok) return model;
  const { width, height, count, seed, negativePrompt } = input;
  const request = buildRequest(model.value, input.prompt, withoutUndefined({ width, height, count, seed, negativePrompt }));
  const checked = validateRequest(request, PROVIDER_IMPLEMENTATIONS[request.providerId]);
  const say = (message: string) => withProviderName(request.providerId, message);
  const problems = blockingProblems(checked).map((problem) => say(problem.message));
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      request,
      output: {
        root: defaults.outputRoot,
        folder: input.outputFolder?.replace(/\\/g, '/') ?? defaults.outputFolder,
        nameTemplate: defaults.nameTemplate,
        baseName: slugFromPrompt(input.prompt),
      },
      notes: checked.filter((problem) => problem.severity === 'warning').map((problem) => say(problem.message)),
    },
  };
}
