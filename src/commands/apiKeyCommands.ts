import * as vscode from 'vscode';
import type { ProviderId } from '../core/jobModel';
import { isProviderId, PROVIDERS } from '../core/providers/catalog';
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

  private async pickProvider(title: string, arg: KeyArgs | undefined): Promise<ProviderId | undefined> {
    if (arg?.provider !== undefined) {
      if (isProviderId(arg.provider) && KEYED_PROVIDERS.some((provider) => provider.id === arg.provider)) return arg.provider;
      throw new ArgumentError(
        `Unknown provider "${arg.provider}"; expected one of ${KEYED_PROVIDERS.map((provider) => provider.id).join(', ')}.`,
      );
    }
    const items = await Promise.all(
      KEYED_PROVIDERS.map(async (provider) => ({
        label: provider.displayName,
        description: (await this.keys.has(provider.id)) ? '$(key) key set' : undefined,
        id: provider.id,
      })),
    );
    return (await vscode.window.showQuickPick(items, { title, placeHolder: 'Provider' }))?.id;
  }

  async set(arg?: KeyArgs): Promise<boolean> {
    const provider = await this.pickProvider('Image Jobs: Set API Key', arg);
    if (!provider) return false;
    const name = KEYED_PROVIDERS.find((info) => info.id === provider)!.displayName;
    const key =
      arg?.key ??
      (await vscode.window.showInputBox({
        title: `API key for ${name}`,
        prompt: keyStorageNote(),
        password: true,
        ignoreFocusOut: true,
        validateInput: (value) => (!value.trim() ? 'The key is empty' : /\s/.test(value.trim()) ? 'A key has no spaces' : undefined),
      }));
    if (!key?.trim()) return false;
    await this.keys.set(provider, key.trim());
    if (!arg?.key) void vscode.window.showInformationMessage(`API key for ${name} saved.`);
    return true;
  }

  async clear(arg?: KeyArgs): Promise<boolean> {
    const provider = await this.pickProvider('Image Jobs: Clear API Key', arg);
    if (!provider) return false;
    await this.keys.clear(provider);
    return true;
  }
}
