// Context keys about stored API keys, kept in one place:
// - `imageJobs.hasKey.<provider>`: a provider's own commands (SubModel: Endpoint Health, PhotoGPT:
//   Upscale Image) show in the palette only once they can work;
// - `imageJobs.missingKey`: the default provider needs a key it lacks, so the Jobs view's welcome
//   offers "Set API Key".
import * as vscode from 'vscode';
import type { ProviderId } from '../core/jobModel';
import { PROVIDERS, providerInfo } from '../core/providers/catalog';
import type { ApiKeys } from './apiKeys';
import * as config from './config';
import { DisposableOwner } from './disposables';

export class ProviderKeyContext extends DisposableOwner {
  private readonly hasKey = new Map<ProviderId, boolean>();

  constructor(private readonly apiKeys: ApiKeys) {
    super();
    this.register(apiKeys.onDidChange((provider) => void this.update(provider)));
    this.register(config.onDidChange((event) => config.affects(event, 'defaultProvider') && this.updateMissingKey()));
    for (const provider of PROVIDERS) if (provider.needsApiKey) void this.update(provider.id);
    this.updateMissingKey();
  }

  private async update(provider: ProviderId): Promise<void> {
    const has = await this.apiKeys.has(provider);
    if (this.isDisposed) return;
    this.hasKey.set(provider, has);
    void vscode.commands.executeCommand('setContext', `imageJobs.hasKey.${provider}`, has);
    this.updateMissingKey();
  }

  /** From what update() learnt: no second SecretStorage read. Unknown yet counts as not missing. */
  private updateMissingKey(): void {
    const provider = config.defaultProvider();
    const missing = providerInfo(provider).needsApiKey && this.hasKey.get(provider) === false;
    void vscode.commands.executeCommand('setContext', 'imageJobs.missingKey', missing);
  }
}
