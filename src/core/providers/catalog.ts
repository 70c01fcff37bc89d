// What the extension knows about each provider without talking to it: names, key needs, defaults.
import type { ProviderId } from '../jobModel';

export interface ProviderInfo {
  readonly id: ProviderId;
  readonly displayName: string;
  readonly needsApiKey: boolean;
  /** Its running jobs report progress (or an ETA): an early look has something to read. */
  readonly reportsProgress: boolean;
  /** A running job's answer says how long it queued: its start is known, not guessed from the looks. */
  readonly reportsQueueTime?: boolean;
}

/** `broken` always fails, so the failure flow can be tried offline. */
export const SANDBOX_MODELS = ['landscape', 'broken'] as const;

export const PROVIDERS: readonly ProviderInfo[] = [
  { id: 'sandbox', displayName: 'Sandbox (offline)', needsApiKey: false, reportsProgress: true },
  { id: 'serika', displayName: 'Serika', needsApiKey: true, reportsProgress: false },
  { id: 'tams', displayName: 'TensorArt TAMS', needsApiKey: true, reportsProgress: true },
  { id: 'bifrost', displayName: 'Bifrost', needsApiKey: true, reportsProgress: false },
  { id: 'photogpt', displayName: 'PhotoGPT', needsApiKey: true, reportsProgress: false },
  { id: 'submodel', displayName: 'SubModel', needsApiKey: true, reportsProgress: false, reportsQueueTime: true },
];

export const PROVIDER_IDS: readonly ProviderId[] = PROVIDERS.map((provider) => provider.id);

export function providerInfo(id: ProviderId): ProviderInfo {
  return PROVIDERS.find((provider) => provider.id === id)!;
}

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}
