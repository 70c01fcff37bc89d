import * as vscode from 'vscode';
import type { ProviderId } from '../core/jobModel';
import { isProviderId, providerInfo, PROVIDERS, type ProviderInfo } from '../core/providers/catalog';
import type { ApiKeys } from '../services/apiKeys';
import type { KeyArgs } from './commandArgs';
import { ArgumentError } from './commandRunner';

const KEYED_PROVIDERS = PROVIDERS.filter((provider) => provider.needsApiKey);

/** Where the key goes: desktop VS Code encrypts SecretStorage with the OS keychain; in a browser the host decides. */
function keyStorageNote(): string {
  return vscode.env.uiKind === vscode.UIKind.Web
    ? 'Stored in VS Code SecretStorage, never in settings or files.'
    : 'Stored in VS Code SecretStorage (encrypted with the OS keychain), never in settings or files.';
}

export class ApiKeyCommands {
  constructor(private readonly keys: ApiKeys) {}

  /** The provider the caller names, else the one picked from `candidates`. */
  private async pickProvider(
    title: string,
    arg: KeyArgs | undefined,
    candidates: readonly { readonly info: ProviderInfo; readonly hasKey: boolean }[],
  ): Promise<ProviderId | undefined> {
    if (arg?.provider !== undefined) {
      if (isProviderId(arg.provider) && KEYED_PROVIDERS.some((provider) => provider.id === arg.provider)) return arg.provider;
      throw new ArgumentError(
        `Unknown provider "${arg.provider}"; expected one of ${KEYED_PROVIDERS.map((provider) => provider.id).join(', ')}.`,
      );
    }
    const items = candidates.map(({ info, hasKey }) => ({
      label: info.displayName,
      description: hasKey ? '$(key) key set' : undefined,
      id: info.id,
    }));
    return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Provider' }))?.id;
  }

  /** Every provider that takes a key, and whether it has one. */
  private withKeys(): Promise<{ readonly info: ProviderInfo; readonly hasKey: boolean }[]> {
    return Promise.all(KEYED_PROVIDERS.map(async (info) => ({ info, hasKey: await this.keys.has(info.id) })));
  }

  async set(arg?: KeyArgs): Promise<boolean> {
    const provider = await this.pickProvider('Image Jobs: Set API Key', arg, arg?.provider ? [] : await this.withKeys());
    if (!provider) return false;
    const name = providerInfo(provider).displayName;
    const key =
      arg?.key ??
      (await vscode.window.showInputBox({
        title: `API key for ${name}`,
        // why it is asked, when a command asked for it (Generate, a failed job): then where it goes
        prompt: arg?.reason ? `${arg.reason} ${keyStorageNote()}` : keyStorageNote(),
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (!value.trim() ? 'The key is empty' : /\s/.test(value.trim()) ? 'A key has no spaces' : undefined),
      }));
    if (!key?.trim()) return false;
    await this.keys.set(provider, key.trim());
    if (!arg?.key) void vscode.window.showInformationMessage(`API key for ${name} saved.`);
    return true;
  }

  /** Removes a provider's key; the palette lists only providers that have one. */
  async clear(arg?: KeyArgs): Promise<boolean> {
    let candidates: { readonly info: ProviderInfo; readonly hasKey: boolean }[] = [];
    if (!arg?.provider) {
      candidates = (await this.withKeys()).filter((candidate) => candidate.hasKey);
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage('No provider has an API key stored: there is nothing to clear.');
        return false;
      }
    }
    const provider = await this.pickProvider('Image Jobs: Clear API Key', arg, candidates);
    if (!provider) return false;
    const name = providerInfo(provider).displayName;
    const had = await this.keys.has(provider);
    await this.keys.clear(provider);
    void vscode.window.showInformationMessage(had ? `API key for ${name} cleared.` : `${name} had no API key stored: nothing was cleared.`);
    return true;
  }
}
