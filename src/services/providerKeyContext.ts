// Keeps `imageJobs.hasKey.<provider>` true while that provider has a stored key, so a provider's own
// commands (SubModel: Endpoint Health, PhotoGPT: Upscale Image) show in the palette only once they can work.
import * as vscode from 'vscode';
import type { ProviderId } from '../core/jobModel';
import { PROVIDERS } from '../core/providers/catalog';
import type { ApiKeys } from './apiKeys';
import { DisposableOwner } from './disposables';

export class ProviderKeyContext extends DisposableOwner {
  constructor(private readonly apiKeys: ApiKeys) {
    super();
    this.register(apiKeys.onDidChange((provider) => void this.update(provider)));
    for (const provider of PROVIDERS) if (provider.needsApiKey) void this.update(provider.id);
  }

  private async update(provider: ProviderId): Promise<void> {
    const has = await this.apiKeys.has(provider);
    if (!this.isDisposed) void vscode.commands.executeCommand('setContext', `imageJobs.hasKey.${provider}`, has);
  }
}
