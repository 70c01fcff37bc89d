// The rules a request must meet before anything is sent, used by the .prompt diagnostics and by the
// job submitter alike: the provider's documented limits (its `validate`), then rules across providers.
import type { GenerationRequest, ProviderId } from '../jobModel';
import { SANDBOX_MODELS } from './catalog';
import type { ImageProvider, RequestProblem } from './types';

/** Only these providers can do these operations (the others would ignore the operation and make images). */
const OPERATION_PROVIDERS = { video: ['photogpt'], upscale: ['photogpt', 'sandbox'] } as const satisfies Record<
  string,
  readonly ProviderId[]
>;
const OPERATION_NAMES = { video: 'make videos', upscale: 'upscale images' } as const;
const OPERATION_OWNERS = { video: 'PhotoGPT does', upscale: 'PhotoGPT and the Sandbox do' } as const;

/**
 * Problems with a request found before anything is sent: `provider`'s documented limits, then rules
 * across providers (operations, the Sandbox's models). Empty means it may be sent.
 */
export function validateRequest(request: GenerationRequest, provider: Pick<ImageProvider, 'validate'>): RequestProblem[] {
  const problems = [...(provider.validate?.(request) ?? [])];
  const operation = request.operation?.kind;
  if (operation && !(OPERATION_PROVIDERS[operation] as readonly ProviderId[]).includes(request.providerId)) {
    problems.push({
      field: 'operation',
      message: `${request.providerId} does not ${OPERATION_NAMES[operation]} (${OPERATION_OWNERS[operation]})`,
    });
  }
  if (request.providerId === 'sandbox' && !(SANDBOX_MODELS as readonly string[]).includes(request.model)) {
    problems.push({
      field: 'model',
      message: `The Sandbox has no model "${request.model}"; use one of: ${SANDBOX_MODELS.map((m) => `sandbox/${m}`).join(', ')}.`,
    });
  }
  return problems;
}
