import * as vscode from 'vscode';
import type { ProviderId } from '../core/jobModel';
import { PROVIDER_IDS, providerInfo } from '../core/providers/catalog';
import type { ProviderAccessState } from '../core/prompt/providerAccess';
import type { ApiKeys } from '../services/apiKeys';
import * as config from '../services/config';
import { DisposableOwner } from '../services/disposables';

/** Each provider's base URL setting (the Sandbox has none). */
const BASE_URL_SETTINGS = {
  serika: 'serika.baseUrl',
  tams: 'tams.baseUrl',
  bifrost: 'bifrost.baseUrl',
  photogpt: 'photogpt.baseUrl',
  submodel: 'submodel.baseUrl',
} as const satisfies Partial<Record<ProviderId, config.SettingKey>>;

/**
 * What `.prompt` diagnostics need to know about reaching each provider: whether its key is set
 * (read from SecretStorage once, then on each change) and its base URL. Fires when either changes.
 */
export class ProviderAccessWatch extends DisposableOwner {
  private readonly keySet = new Map<ProviderId, boolean>();
  private readonly asking = new Set<ProviderId>();
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changed.event;

  constructor(private readonly apiKeys: Pick<ApiKeys, 'has' | 'onDidChange'>) {
    super();
    this.register(apiKeys.onDidChange((provider) => this.readKey(provider)));
    const baseUrlKeys = Object.values(BASE_URL_SETTINGS);
    this.register(config.onDidChange((event) => config.affects(event, ...baseUrlKeys) && this.changed.fire()));
  }

  /** As far as known now; an unknown key is read in the background and fires onDidChange when known. */
  state(providerId: ProviderId): ProviderAccessState {
    const needsKey = providerInfo(providerId).needsApiKey;
    if (needsKey && !this.keySet.has(providerId) && !this.asking.has(providerId)) void this.readKey(providerId);
    const setting = providerId === 'sandbox' ? undefined : BASE_URL_SETTINGS[providerId];
    return {
      hasKey: this.keySet.get(providerId),
      baseUrl: setting ? config.providerSettings(providerId).baseUrl : undefined,
      baseUrlSetting: setting ? `imageJobs.${setting}` : undefined,
    };
  }

  private async readKey(providerId: ProviderId): Promise<void> {
    if (!PROVIDER_IDS.includes(providerId)) return;
    this.asking.add(providerId);
    try {
      const has = await this.apiKeys.has(providerId);
      if (this.isDisposed || this.keySet.get(providerId) === has) return;
      this.keySet.set(providerId, has);
      this.changed.fire();
    } catch {
      // SecretStorage unavailable: no warning rather than a wrong one
    } finally {
      this.asking.delete(providerId);
    }
  }
}
