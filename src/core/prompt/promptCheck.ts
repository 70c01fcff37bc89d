// A `.prompt` file as the editor shows it: parsed, and the request its model and config make checked
// against the provider's limits, each problem on the value that breaks it. Engine bundle only: it
// loads every provider implementation.
import { buildRequest } from './generationPlan';
import { validateRequest } from '../providers/requestRules';
import { parsePromptFile, type PromptParseResult } from './promptFile';
import { PROVIDER_IMPLEMENTATIONS } from '../providers/registry';

export function checkPromptFile(source: string): PromptParseResult {
  return parsePromptFile(source, {
    // the prompt text is not known before its variables are; no provider limits it
    checkRequest: ({ model, config }) => validateRequest(buildRequest(model, '', config), PROVIDER_IMPLEMENTATIONS[model.providerId]),
  });
}
