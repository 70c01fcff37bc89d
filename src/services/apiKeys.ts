import * as vscode from 'vscode';
import type { ProviderId } from '../core/jobModel';
import { PROVIDER_IDS } from '../core/providers/catalog';
import { DisposableOwner } from './disposables';
import type { Log } from './log';

const SECRET_PREFIX = 'imageJobs.apiKey.';
type SecretKey = `${typeof SECRET_PREFIX}${ProviderId}`;

function secretKey(provider: ProviderId): SecretKey {
  return `${SECRET_PREFIX}${provider}`;
}

/** API keys, kept only in SecretStorage; every key read is registered with the log's redaction. */
export class ApiKeys extends DisposableOwner {
  private readonly changed = this.register(new vscode.EventEmitter<ProviderId>());
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: Log,
  ) {
    super();
    // another window may set or clear a key
    this.register(
      secrets.onDidChange((event) => {
        const provider = PROVIDER_IDS.find((id) => secretKey(id) === event.key);
        if (provider) this.changed.fire(provider);
      }),
    );
  }

  async get(provider: ProviderId): Promise<string | undefined> {
    const key = await this.secrets.get(secretKey(provider));
    if (key) this.log.addSecret(key);
    return key || undefined;
  }

  async set(provider: ProviderId, key: string): Promise<void> {
    this.log.addSecret(key);
    await this.secrets.store(secretKey(provider), key);
    this.changed.fire(provider); // SecretStorage's own event may come later; users of the key must not wait
    this.log.info(`[keys] API key for ${provider} saved to SecretStorage`);
  }

  async clear(provider: ProviderId): Promise<void> {
    await this.secrets.delete(secretKey(provider));
    this.changed.fire(provider);
    this.log.info(`[keys] API key for ${provider} cleared`);
  }

  async has(provider: ProviderId): Promise<boolean> {
    return (await this.secrets.get(secretKey(provider))) !== undefined;
  }
}
