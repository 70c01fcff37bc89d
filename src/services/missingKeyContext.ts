// Keeps the `imageJobs.missingKey` context key true while the default provider needs a key it lacks,
// so the Jobs view's welcome offers "Set API Key".
import * as vscode from 'vscode';
import { providerInfo } from '../core/providers/catalog';
import type { ApiKeys } from './apiKeys';
import * as config from './config';
import { DisposableOwner } from './disposables';

export class MissingKeyContext extends DisposableOwner {
  constructor(private readonly apiKeys: ApiKeys) {
    super();
    this.register(apiKeys.onDidChange(() => void this.update()));
    this.register(config.onDidChange((event) => config.affects(event, 'defaultProvider') && void this.update()));
    void this.update();
  }

  private async update(): Promise<void> {
    const provider = config.defaultProvider();
    const missing = providerInfo(provider).needsApiKey && !(await this.apiKeys.has(provider));
    if (!this.isDisposed) void vscode.commands.executeCommand('setContext', 'imageJobs.missingKey', missing);
  }
}
