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
  /** The provider's own id for this output, where it has one (PhotoGPT: the image id upscaling takes). */
  readonly remoteId?: string;
} & ({ readonly kind: 'url'; readonly url: string; readonly expiresAt?: number } | { readonly kind: 'base64'; readonly data: string });

/** A provider's job status, normalized. */
export type RemoteJobState =
  | {
      readonly status: 'queued';
      readonly queuePosition?: number;
      readonly queueLength?: number;
      readonly etaMs?: number;
      readonly credits?: number;
    }
  | {
      readonly status: 'running';
      readonly progress?: number;
      readonly etaMs?: number;
      readonly credits?: number;
      /** How long the job waited for a worker, where the provider says (SubModel's delayTime). */
      readonly queuedMs?: number;
    }
  | {
      readonly status: 'succeeded';
      readonly outputs: readonly RemoteOutput[];
      readonly credits?: number;
      /** How long the job waited for a worker, then ran, where the provider says (SubModel's delayTime and executionTime). */
      readonly queuedMs?: number;
      readonly runMs?: number;
    }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'expired'; readonly reason: string };

/** Per-provider settings; each provider reads the ones its docs call for. */
export interface ProviderOptions {
  /** 'bearer' (default), Bifrost 'x-bf-vk', TAMS 'rsa'. */
  readonly authScheme?: string;
  /** SubModel: the header that carries the key (docs disagree: x-apikey by default). */
  readonly authHeader?: string;
  /** SubModel: the serverless endpoint id. */
  readonly endpointId?: string;
  /** SubModel: path before the endpoint id (docs disagree: /v1/sl by default). */
  readonly basePath?: string;
  /** TAMS RSA signing: the app id (the private key is the API key). */
  readonly appId?: string;
  /** Bifrost: how long the gateway keeps a finished result. */
  readonly resultTtlSeconds?: number;
  /** SubModel: submit through /runsync, waiting for short jobs. */
  readonly runsync?: boolean;
  /** SubModel: look at recorded jobs with held status requests (/status-sync) where the provider has them. */
  readonly heldStatus?: boolean;
}

export interface ProviderContext {
  readonly http: HttpClient;
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly signal?: AbortSignal;
  readonly options?: ProviderOptions;
  /** Reads an image a job starts from, by URI: given where a provider is sent the bytes (the Sandbox). */
  readonly readSourceImage?: (uri: string) => Promise<Uint8Array>;
}

/** A problem with a request found before sending it, tied to a `config` field when there is one. */
export interface RequestProblem {
  readonly field?: keyof GenerationRequest['params'] | 'model' | 'operation';
  readonly message: string;
  /** 'warning': the request can go, but not as written (a value the provider's API has no field for). */
  readonly severity?: 'error' | 'warning';
}

/** Problems that stop a request; warnings only inform. */
export function blockingProblems(problems: readonly RequestProblem[]): RequestProblem[] {
  return problems.filter((problem) => problem.severity !== 'warning');
}

/**
 * One job's part of a list answer: its state, when the list carries all of it; or `askAlone` when
 * only the job's own request can tell (the list shows it finished but has no result, or names a
 * status the documents do not). That request is a single poll, whose answer and errors count as any.
 */
export type BatchPollResult = { readonly state: RemoteJobState } | { readonly askAlone: true };

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
  /**
   * A status request the provider holds until the job ends or about `waitMs` pass, then answers as
   * poll() does (the job may still be unfinished). Only ever sent for a job whose id is recorded.
   */
  pollHeld?(remoteId: string, waitMs: number, context: ProviderContext): Promise<RemoteJobState>;
  /** Absent when the provider has no cancel endpoint. */
  cancel?(remoteId: string, context: ProviderContext): Promise<void>;
  /**
   * How long the provider keeps a finished job's result, where its document says: the message for a
   * result file gone before it was downloaded tells the user.
   */
  resultLifetimeMs?(context: ProviderContext): number;
  /**
   * True when every status answer names its result files afresh (the Sandbox: at its server's current
   * address), so a file gone from an old link may be fetched again after a new look at the job.
   * Otherwise a new look gives the same link, and a file gone from it stays gone.
   */
  readonly renewsResultUrls?: boolean;
  /** Headers to send when downloading one of this provider's result URLs from its own origin. */
  downloadHeaders?(context: ProviderContext): Record<string, string>;
  /** Checks a request against the provider's documented limits before anything is sent. */
  validate?(request: GenerationRequest): RequestProblem[];
  /**
   * Refreshes many jobs with one request where the API has a list endpoint; a failure of that request
   * is thrown. A job the list does not hold is left out of the map: the poller asks it alone, on its
   * own schedule.
   */
  pollMany?(remoteIds: readonly string[], context: ProviderContext): Promise<Map<string, BatchPollResult>>;
  /**
   * True when pollMany sends the ids and is answered for those alone, its cost growing with them (the
   * Sandbox): a round takes along only the jobs due soon. Otherwise pollMany reads a list of recent
   * jobs (Serika's GET /jobs), whatever is asked, and one round covers every job.
   */
  readonly pollManyAsks?: boolean;
}
