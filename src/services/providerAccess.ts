import { HttpClient } from '../core/http';
import type { ProviderAccess } from '../core/jobManager';
import type { ProviderId } from '../core/jobModel';
import { providerInfo } from '../core/providers/catalog';
import { sandboxProvider } from '../core/providers/sandbox';
import type { ImageProvider } from '../core/providers/types';
import type { ApiKeys } from './apiKeys';
import type { SandboxHost } from './sandboxHost';

const IMPLEMENTED: Partial<Record<ProviderId, ImageProvider>> = {
  sandbox: sandboxProvider,
};

/** Resolves a provider with its base URL and key; the one place that reads keys for requests. */
export function createProviderAccess(sandbox: SandboxHost, apiKeys: ApiKeys, http = new HttpClient()): ProviderAccess {
  return async (providerId: ProviderId) => {
    const provider = IMPLEMENTED[providerId];
    if (!provider) throw new Error(`${providerInfo(providerId).displayName} is not supported yet in this version; use sandbox/… models.`);
    if (providerId === 'sandbox') return { provider, context: { http, baseUrl: await sandbox.url() } };
    const apiKey = await apiKeys.get(providerId);
    if (!apiKey) throw new Error(`No API key for ${providerInfo(providerId).displayName}. Run "Image Jobs: Set API Key".`);
    return { provider, context: { http, baseUrl: providerInfo(providerId).defaultBaseUrl, apiKey } };
  };
}
