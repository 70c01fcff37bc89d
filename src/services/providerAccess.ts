import { ProviderError } from '../core/errors';
import type { HttpClient } from '../core/http';
import type { ProviderAccess } from '../core/jobManager';
import type { ProviderId } from '../core/jobModel';
import { providerInfo } from '../core/providers/catalog';
import type { ApiKeys } from './apiKeys';
import { providerSettings } from './config';
import { engine } from './engine';
import type { SandboxHost } from './sandboxHost';

/** Resolves a provider with its base URL, options and key; the one place that reads keys for requests. */
export function createProviderAccess(sandbox: SandboxHost, apiKeys: ApiKeys): ProviderAccess {
  let client: HttpClient | undefined;
  return async (providerId: ProviderId) => {
    const { HttpClient, PROVIDER_IMPLEMENTATIONS } = engine();
    const http = (client ??= new HttpClient());
    const provider = PROVIDER_IMPLEMENTATIONS[providerId];
    if (providerId === 'sandbox') return { provider, context: { http, baseUrl: await sandbox.url() } };
    const { displayName } = providerInfo(providerId);
    const apiKey = await apiKeys.get(providerId);
    if (!apiKey) throw new ProviderError('auth', `No API key for ${displayName}. Run "Image Jobs: Set API Key".`);
    const { baseUrl, options } = providerSettings(providerId);
    if (!baseUrl) throw new ProviderError('badRequest', `No base URL for ${displayName}: set imageJobs.${providerId}.baseUrl.`);
    return { provider, context: { http, baseUrl, apiKey, options } };
  };
}
