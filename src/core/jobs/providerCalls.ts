// Every request the job engine makes to a provider goes through here: the provider and what it needs
// (base URL, key) are resolved, the request carries the engine's abort signal, and the provider's gate
// applies its documented limits, with a 429 pausing the whole provider.
import { setMaxListeners } from 'node:events';
import { isProviderError } from '../errors';
import type { ProviderId } from '../jobModel';
import { PROVIDER_LIMITS, ProviderGate, type CallKind, type ProviderLimits } from '../providers/providerGate';
import type { ImageProvider, ProviderContext } from '../providers/types';

export interface ProviderAccess {
  /** Resolves the provider and what it needs to talk to it (base URL, key); throws with a user-facing message. */
  (providerId: ProviderId): Promise<{ provider: ImageProvider; context: ProviderContext }>;
}

export class ProviderCalls {
  private readonly abort = new AbortController();
  private readonly gates = new Map<ProviderId, ProviderGate>();

  constructor(
    private readonly resolve: ProviderAccess,
    /** Overrides the documented per-provider limits (benchmarks, tests). */
    private readonly limits?: Partial<Record<ProviderId, ProviderLimits>>,
  ) {
    // every request of the engine listens to the one abort signal: many at once is expected
    setMaxListeners(Infinity, this.abort.signal);
  }

  /** Set by close(): in-flight work ends without touching the store or the disk (a closing window). */
  get closed(): boolean {
    return this.abort.signal.aborted;
  }

  /** Aborted by close(): what lives as long as the engine listens to it. */
  get closing(): AbortSignal {
    return this.abort.signal;
  }

  async access(providerId: ProviderId): Promise<{ provider: ImageProvider; context: ProviderContext }> {
    if (this.closed) throw new Error('the job manager is closed');
    const resolved = await this.resolve(providerId);
    return { provider: resolved.provider, context: { ...resolved.context, signal: this.abort.signal } };
  }

  /** Runs a provider call through its gate; a 429 pauses the whole provider for its Retry-After. */
  async call<T>(providerId: ProviderId, kind: CallKind, request: () => Promise<T>): Promise<T> {
    try {
      return await this.gate(providerId).run(kind, request);
    } catch (error) {
      if (isProviderError(error) && error.kind === 'rateLimited') this.gate(providerId).pause(error.details.retryAfterMs ?? 1000);
      throw error;
    }
  }

  /** A held status request through the gate's held slots; undefined when none is free. */
  callHeld<T>(providerId: ProviderId, request: () => Promise<T>): Promise<T> | undefined {
    return this.gate(providerId)
      .tryRunHeld(request)
      ?.catch((error: unknown) => {
        if (isProviderError(error) && error.kind === 'rateLimited') this.gate(providerId).pause(error.details.retryAfterMs ?? 1000);
        throw error;
      });
  }

  async isIdempotent(providerId: ProviderId): Promise<boolean> {
    try {
      return (await this.access(providerId)).provider.idempotentSubmit;
    } catch {
      return false;
    }
  }

  /** Aborts every request in flight; later ones are refused. */
  close(): void {
    this.abort.abort();
  }

  private gate(providerId: ProviderId): ProviderGate {
    let gate = this.gates.get(providerId);
    if (!gate) this.gates.set(providerId, (gate = new ProviderGate(this.limits?.[providerId] ?? PROVIDER_LIMITS[providerId])));
    return gate;
  }
}
