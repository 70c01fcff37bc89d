// Every request the job engine makes to a provider goes through here: the provider and what it needs
// (base URL, key) are resolved, the request carries the engine's abort signal, and the provider's gate
// applies its documented limits, with a 429 pausing the provider (or that kind of call, where its
// limits are per kind) for its Retry-After, and the log saying so.
import { setMaxListeners } from 'node:events';
import { isProviderError } from '../errors';
import { formatClock, type ProviderId } from '../jobModel';
import { providerInfo } from '../providers/catalog';
import { PROVIDER_LIMITS, ProviderGate, type CallKind, type GateOptions, type ProviderLimits } from '../providers/providerGate';
import type { ImageProvider, ProviderContext } from '../providers/types';
import type { JobLogger } from './jobLog';

/** A 429 without a Retry-After pauses for this long. */
const DEFAULT_PAUSE_MS = 1000;

export interface ProviderAccess {
  /** Resolves the provider and what it needs to talk to it (base URL, key); throws with a user-facing message. */
  (providerId: ProviderId): Promise<{ provider: ImageProvider; context: ProviderContext }>;
}

export class ProviderCalls {
  private readonly abort = new AbortController();
  private readonly gates = new Map<ProviderId, ProviderGate>();
  /** Each provider's server and account when last resolved (the context's own strings, compared on each access). */
  private readonly accounts = new Map<ProviderId, Pick<ProviderContext, 'baseUrl' | 'apiKey'>>();

  constructor(
    private readonly resolve: ProviderAccess,
    /** Overrides the documented per-provider limits (benchmarks, tests). */
    private readonly limits?: Partial<Record<ProviderId, ProviderLimits>>,
    /** Where a pause after a 429 is told: every call it holds waits for a reason the log must give. */
    private readonly log?: JobLogger,
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
    this.noteAccount(providerId, resolved.context);
    return { provider: resolved.provider, context: { ...resolved.context, signal: this.abort.signal } };
  }

  /**
   * Runs a provider call through its gate; a 429 pauses the provider for its Retry-After.
   * `refuseWhilePaused`: a call the gate would hold for such a pause throws ProviderPaused instead;
   * `onWait`: told when the call waits in the gate before it goes.
   */
  async call<T>(providerId: ProviderId, kind: CallKind, request: () => Promise<T>, options: GateOptions = {}): Promise<T> {
    try {
      return await this.gate(providerId).run(kind, request, options);
    } catch (error) {
      this.pauseAfter(providerId, kind, error);
      throw error;
    }
  }

  /** A held status request through the gate's held slots; undefined when none is free. */
  callHeld<T>(providerId: ProviderId, request: () => Promise<T>): Promise<T> | undefined {
    return this.gate(providerId)
      .tryRunHeld(request)
      ?.catch((error: unknown) => {
        this.pauseAfter(providerId, 'poll', error);
        throw error;
      });
  }

  /** When calls of `kind` to the provider may go again after a 429 (ms since epoch); in the past when they may now. */
  pausedUntil(providerId: ProviderId, kind: CallKind): number {
    return this.gate(providerId).pauseEnds(kind);
  }

  private pauseAfter(providerId: ProviderId, kind: CallKind, error: unknown): void {
    if (!isProviderError(error) || error.kind !== 'rateLimited') return;
    const gate = this.gate(providerId);
    const now = Date.now();
    const before = gate.pauseEnds(kind);
    const retryAfterMs = error.details.retryAfterMs;
    const until = gate.pause(retryAfterMs ?? DEFAULT_PAUSE_MS, kind);
    // one line a pause, not one for each call answered 429 together
    if (before > now && until - before < 1000) return;
    const name = providerInfo(providerId).displayName;
    const held = gate.pausesEachKind ? `its ${kind} requests wait` : `every request to ${name} waits`;
    const asked =
      retryAfterMs === undefined
        ? `no Retry-After, so ${DEFAULT_PAUSE_MS / 1000} s`
        : `its Retry-After, ${Math.ceil(retryAfterMs / 1000)} s`;
    this.log?.warn(`[jobs] ${name} answered a ${kind} request with 429 (rate limited): ${held} until ${formatClock(until)} (${asked})`);
  }

  /**
   * A 429's pause is the server's, for the account it answered: once the provider's base URL or key
   * changes (the user moved to another server or key), it no longer holds, and what waited for it goes.
   */
  private noteAccount(providerId: ProviderId, context: ProviderContext): void {
    const before = this.accounts.get(providerId);
    if (before?.baseUrl === context.baseUrl && before.apiKey === context.apiKey) return;
    this.accounts.set(providerId, { baseUrl: context.baseUrl, apiKey: context.apiKey });
    if (before === undefined) return;
    if (!this.gates.get(providerId)?.endPauses()) return;
    this.log?.info(`[jobs] ${providerInfo(providerId).displayName}'s base URL or key changed: the pause its 429 asked for no longer holds`);
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
