// What the extension knows about each provider without talking to it: names, key needs, defaults.
import type { ProviderId } from '../jobModel';

export interface ProviderInfo {
  readonly id: ProviderId;
  readonly displayName: string;
  readonly needsApiKey: boolean;
  readonly defaultModel: string;
  /** Empty for the Sandbox, whose URL is its own loopback server's. */
  readonly defaultBaseUrl: string;
}

/** `broken` always fails, so the failure flow can be tried offline. */
export const SANDBOX_MODELS = ['landscape', 'broken'] as const;

export const PROVIDERS: readonly ProviderInfo[] = [
  { id: 'sandbox', displayName: 'Sandbox (offline)', needsApiKey: false, defaultModel: 'landscape', defaultBaseUrl: '' },
  { id: 'serika', displayName: 'Serika', needsApiKey: true, defaultModel: 'flux-schnell', defaultBaseUrl: 'https://api.serika.dev/api/openai/v1' },
  { id: 'tams', displayName: 'TensorArt TAMS', needsApiKey: true, defaultModel: '', defaultBaseUrl: '' },
  { id: 'bifrost', displayName: 'Bifrost', needsApiKey: true, defaultModel: 'openai/dall-e-3', defaultBaseUrl: 'http://localhost:8080' },
  { id: 'photogpt', displayName: 'PhotoGPT', needsApiKey: true, defaultModel: '', defaultBaseUrl: 'https://developer.photogptai.com/api' },
  { id: 'submodel', displayName: 'SubModel', needsApiKey: true, defaultModel: '', defaultBaseUrl: '' },
];

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((provider) => provider.id);

export function providerInfo(id: ProviderId): ProviderInfo {
  return PROVIDERS.find((provider) => provider.id === id)!;
}

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}
