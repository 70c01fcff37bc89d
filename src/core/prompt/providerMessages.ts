// A provider's problem as a `.prompt` diagnostic says it: led by the provider's name, so a limit
// reads as that provider's rule ("TAMS: width must be …") and not as the file's generic schema.
import type { ProviderId } from '../jobModel';

/** The names the providers' own messages use. */
export const PROVIDER_SHORT_NAMES: Readonly<Record<ProviderId, string>> = {
  sandbox: 'Sandbox',
  serika: 'Serika',
  tams: 'TAMS',
  bifrost: 'Bifrost',
  photogpt: 'PhotoGPT',
  submodel: 'SubModel',
};

/** "width must be … for TAMS (got 10000)" → "TAMS: width must be … (got 10000)"; a message that names the provider already stays. */
export function withProviderName(providerId: ProviderId, message: string): string {
  const name = PROVIDER_SHORT_NAMES[providerId];
  const suffix = ` for ${name}`;
  if (message.includes(suffix)) return `${name}: ${message.replace(suffix, '')}`;
  return message.toLowerCase().includes(name.toLowerCase()) ? message : `${name}: ${message}`;
}
