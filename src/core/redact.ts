// Scrubs secrets out of any text before it reaches a log: the known key values, and the shapes keys
// take in headers and URLs, in case one arrives from somewhere we did not expect.

const SECRET_SHAPES: readonly RegExp[] = [
  /(\bBearer\s+)[^\s"',;]+/gi,
  /(\b(?:x-apikey|x-api-key|x-bf-vk|api[-_]?key|token|authorization)["']?\s*[:=]\s*["']?(?:(?:Bearer|Basic|TAMS-SHA256-RSA)\s+)?)[^\s"',;&]+/gi,
  /()\bsk-[A-Za-z0-9_-]{8,}/g,
];

export const REDACTED = '[REDACTED]';

export function redactSecrets(text: string, knownSecrets: Iterable<string>): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) result = result.split(secret).join(REDACTED);
  }
  for (const shape of SECRET_SHAPES) result = result.replace(shape, (_whole, prefix: string) => `${prefix}${REDACTED}`);
  return result;
}
