// Whether the provider a `.prompt` file names can be reached as things are set up: a provider that
// needs an API key without one, or without a base URL, gets a warning on `model:` and the fix.
import type { ProviderId } from '../jobModel';
import { providerInfo } from '../providers/catalog';
import type { PromptDiagnostic } from './promptDiagnostic';
import type { TextRange } from './textRange';

export interface ProviderAccessState {
  /** undefined while not yet known: no warning until it is. */
  readonly hasKey?: boolean;
  /** The base URL requests would go to; undefined for a provider without one (the Sandbox). */
  readonly baseUrl?: string;
  /** The setting that holds it, e.g. imageJobs.tams.baseUrl. */
  readonly baseUrlSetting?: string;
}

export function providerAccessDiagnostics(
  modelAt: { readonly providerId: ProviderId; readonly range: TextRange } | undefined,
  state: ProviderAccessState,
): PromptDiagnostic[] {
  if (!modelAt) return [];
  const provider = providerInfo(modelAt.providerId);
  const diagnostics: PromptDiagnostic[] = [];
  if (provider.needsApiKey && state.hasKey === false) {
    diagnostics.push({
      severity: 'warning',
      message: `${provider.displayName} needs an API key and none is set: generating will fail until one is.`,
      range: modelAt.range,
      fix: { kind: 'setApiKey', title: `Set API Key for ${provider.displayName}`, provider: provider.id },
    });
  }
  if (state.baseUrlSetting && state.baseUrl !== undefined && !state.baseUrl.trim()) {
    diagnostics.push({
      severity: 'warning',
      message: `${provider.displayName} has no base URL: set ${state.baseUrlSetting}.`,
      range: modelAt.range,
      fix: { kind: 'openSettings', title: `Open Settings: ${state.baseUrlSetting}`, setting: state.baseUrlSetting },
    });
  }
  return diagnostics;
}
