// The one interface every provider implements. Providers translate between their own protocol and
// the common job model; they keep no state of their own between calls.
import type { HttpClient } from '../http';
import type { GenerationRequest, ProviderId } from '../jobModel';

/** A result the provider produced, before it is downloaded. */
export type RemoteOutput = {
  readonly seed?: number;
  readonly width?: number;
  readonly height?: number;
  readonly mimeType?: string;
} & ({ readonly kind: 'url'; readonly url: string; readonly expiresAt?: number } | { readonly kind: 'base64'; readonly data: string });

/** A provider's job status, normalized. */
export type RemoteJobState =
  | { readonly status: 'queued'; readonly queuePosition?: number; readonly queueLength?: number; readonly etaMs?: number }
  | { readonly status: 'running'; readonly progress?: number; readonly etaMs?: number }
  | { readonly status: 'succeeded'; readonly outputs: readonly RemoteOutput[] }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'expired'; readonly reason: string };

export interface ProviderContext {
  readonly http: HttpClient;
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly signal?: AbortSignal;
}

export interface SubmitResult {
  readonly remoteId: string;
  readonly state: RemoteJobState;
}

export interface ImageProvider {
  readonly id: ProviderId;
  /** True when a repeated submit with the same idempotency key cannot create a second job. */
  readonly idempotentSubmit: boolean;
  submit(request: GenerationRequest, idempotencyKey: string, context: ProviderContext): Promise<SubmitResult>;
  poll(remoteId: string, context: ProviderContext): Promise<RemoteJobState>;
  /** Absent when the provider has no cancel endpoint. */
  cancel?(remoteId: string, context: ProviderContext): Promise<void>;
  /** Headers to send when downloading one of this provider's result URLs from its own origin. */
  downloadHeaders?(context: ProviderContext): Record<string, string>;
}
