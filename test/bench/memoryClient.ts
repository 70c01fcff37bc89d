// The memory bench's engine, in a process of its own run with --expose-gc (memory.ts forks it): the
// extension's JobManager, its store saved through a model of VS Code's workspace state, real HTTP to a
// loopback SubModel server whose jobs run until the bench lets them finish. What stays alive after
// forced full GCs is read at the baseline, with every job in flight, once they are done, after idling,
// and once the finished jobs are removed, then once more after a second batch like the first (what it
// adds is a leak); allocation, GC pauses and event-loop delay over the first batch.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import { HttpClient } from '../../src/core/http';
import { JobManager } from '../../src/core/jobs/jobManager';
import { BenchJournal, discardedAssets } from './benchJournal';
import { exitWithParent } from './processCleanup';
import { JobStore } from '../../src/core/jobs/jobStore';
import { DEFAULT_POLL_POLICY } from '../../src/core/jobs/pollPolicy';
import { PROVIDER_LIMITS } from '../../src/core/providers/providerGate';
import { PROVIDER_IMPLEMENTATIONS } from '../../src/core/providers/registry';
import { isTerminal, type GenerationRequest, type JobStatus, type OutputTarget } from '../../src/core/jobModel';
import type { ProviderContext } from '../../src/core/providers/types';
import type { LiveMemory } from './memoryFigures';
import { MemoryProbe, type RunFigures } from './memoryProbe';
import { limitsOnBenchClock, policyOnBenchClock } from './benchClock';

export interface MemoryClientConfig {
  readonly jobs: number;
  /** Jobs run end to end before the baseline, so first-use costs (compiling, caches) fall before it. */
  readonly warmUpJobs: number;
  /** The prompt of the warm-up jobs: the server finishes those on its own. */
  readonly warmUpPrompt: string;
  /** Bench milliseconds per real one, for the poll policy and the documented limits. */
  readonly timeScale: number;
  /** Real ms between the last poll in flight and the reading at the peak: idle connections close. */
  readonly settleMs: number;
  /** Real ms to wait after the last job ends: coalesced saves written (1 s), idle connections closed. */
  readonly idleMs: number;
  readonly request: GenerationRequest;
  readonly context: Omit<ProviderContext, 'http'>;
  /** Writes a heap snapshot there at every reading (BENCH_MEMORY_SNAPSHOTS). */
  readonly snapshotDir?: string;
}

export interface MemoryClientReport extends RunFigures {
  readonly baseline: LiveMemory;
  /** Every job submitted and looked at, none finished, none with a poll in flight. */
  readonly peak: LiveMemory;
  readonly completed: LiveMemory;
  /** A while later, the connections closed. */
  readonly idle: LiveMemory;
  /** The finished jobs removed from the store, as the Jobs view's Remove does. */
  readonly removed: LiveMemory;
  /**
   * The same again: a second batch of as many jobs through the same engine, done, idle and removed.
   * What it adds over `removed` is a leak; what the first batch left and the second reused is not.
   */
  readonly removedAgain: LiveMemory;
  readonly errors: number;
  /** Real ms from the baseline until the last job ended. */
  readonly runMs: number;
}

export type MemoryClientMessage = { readonly kind: 'peak' } | { readonly kind: 'report'; readonly report: MemoryClientReport };

const output: OutputTarget = { root: 'file:///bench', folder: 'out', nameTemplate: '{{job}}', baseName: 'bench' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Engine {
  readonly store: JobStore;
  readonly journal: BenchJournal;
  readonly manager: JobManager;
  /** Resolves once every unfinished job's poll has been answered since the call. */
  unfinishedJobsAnswered(): Promise<void>;
  /** From the next scheduling on, looks a minute away (true) or on the bench's clock (false). */
  pollRarely(rarely: boolean): void;
  /** From the next call on, requests go through `connections` (a batch's own, closed once it is idle). */
  connectThrough(connections: Agent): void;
}

/** Long enough that no poll comes due during a reading. */
const RARELY_MS = 60_000;

/** The extension's engine as the bench's client builds it, on the bench's clock, over `connections`. */
function startEngine(config: MemoryClientConfig, connections: Agent, onError: () => void): Engine {
  const connectedThrough = (dispatcher: Agent) => new HttpClient({ timeoutMs: 30_000, dispatcher });
  let http = connectedThrough(connections);
  const journal = BenchJournal.create();
  const store = new JobStore(journal);
  const scale = config.timeScale;
  const policy = policyOnBenchClock(DEFAULT_POLL_POLICY, scale);
  const rarely = { ...policy, minIntervalMs: RARELY_MS, maxIntervalMs: RARELY_MS };
  let rarelyNow = false;
  // the store announces only changes, and a job running as it was is none: answers are counted here
  const waiting = new Map<string, () => void>();
  const submodel = PROVIDER_IMPLEMENTATIONS.submodel;
  const answering = {
    ...submodel,
    poll: async (remoteId: string, context: ProviderContext) => {
      const state = await submodel.poll(remoteId, context);
      waiting.get(remoteId)?.();
      return state;
    },
  };
  const unfinishedJobsAnswered = () => {
    const unfinished = [...store.values()].filter((job) => !isTerminal(job.status) && job.remoteId);
    const left = new Set(unfinished.map((job) => job.id));
    if (left.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const changes = store.onDidChange((change) => done(change.kind === 'upsert' ? change.job.id : change.id));
      function done(id: string): void {
        if (!left.delete(id) || left.size > 0) return;
        waiting.clear();
        changes.dispose();
        resolve();
      }
      // an answer, or a change (an answer on its way when this was called, applied since)
      for (const job of unfinished) waiting.set(job.remoteId!, () => done(job.id));
    });
  };
  const manager = new JobManager(
    store,
    async () => ({ provider: answering, context: { ...config.context, http } }),
    discardedAssets,
    { info: () => undefined, warn: onError, error: onError },
    { pollPolicy: () => (rarelyNow ? rarely : policy), providerLimits: { submodel: limitsOnBenchClock(PROVIDER_LIMITS.submodel, scale) } },
  );
  return {
    store,
    journal,
    manager,
    unfinishedJobsAnswered,
    pollRarely: (rarely) => void (rarelyNow = rarely),
    connectThrough: (next) => void (http = connectedThrough(next)),
  };
}

/**
 * undici's connections as the extension's HTTP client has them, their keep-alive on the bench's clock:
 * 4 s by default, 3 s after the loopback server's 5 s hint (undici keeps a 2 s margin). Unscaled, a
 * burst's connections would outlive the batch on the bench's clock.
 */
function connectionsOnBenchClock(scale: number): Agent {
  return new Agent({ keepAliveTimeout: 4000 * scale, keepAliveMaxTimeout: 3000 * scale });
}

/** Resolves once `count` jobs of the store have reached one of `statuses`. */
function whenJobsReach(store: JobStore, statuses: readonly JobStatus[], count: number): Promise<void> {
  const reached = new Set<string>();
  return new Promise((resolve) => {
    const listener = store.onDidChange((change) => {
      if (change.kind !== 'upsert' || !statuses.includes(change.job.status)) return;
      reached.add(change.job.id);
      if (reached.size < count) return;
      listener.dispose();
      resolve();
    });
  });
}

/**
 * One batch through the engine: submitted at once (each job with a request of its own, as prompts
 * parsed one by one give), every job looked at once; then, as in a batch well into its run, each job
 * between two looks with none in flight (the next look a minute away; the connections' keep-alive
 * over), when `atPeak` reads; then looks as usual until every job ended. The bench keeps nothing of
 * the jobs (not even their ids): the engine holds them.
 */
async function runBatch(engine: Engine, request: GenerationRequest, jobs: number, settleMs: number, atPeak: () => void): Promise<void> {
  const looked = whenJobsReach(engine.store, ['running', 'downloading', 'succeeded', 'failed'], jobs);
  const ended = whenJobsReach(engine.store, ['succeeded', 'failed', 'expired', 'cancelled'], jobs);
  const started = performance.now();
  const phase = (name: string) =>
    process.env.BENCH_DEBUG && console.log(`${jobs} jobs: ${name} at ${(performance.now() - started).toFixed(0)} ms`);
  for (let i = 0; i < jobs; i++) void engine.manager.submit(structuredClone(request), { kind: 'script' }, output);
  await looked;
  phase('every job looked at');
  const lookedAgain = engine.unfinishedJobsAnswered();
  engine.pollRarely(true);
  await lookedAgain;
  phase('no poll in flight');
  await sleep(settleMs);
  atPeak();
  engine.pollRarely(false);
  engine.manager.refreshAll();
  await ended;
  phase('every job ended');
}

/** Every job removed, as the Jobs view's Remove does. */
async function removeAll(engine: Engine): Promise<void> {
  await Promise.all([...engine.store.values()].map((job) => engine.manager.remove(job.id)));
}

/** The server lets the jobs submitted so far finish. */
const release = () => process.send!({ kind: 'peak' } satisfies MemoryClientMessage);

async function main(): Promise<void> {
  exitWithParent();
  const config = JSON.parse(process.env.BENCH_MEMORY_CONFIG!) as MemoryClientConfig;
  const probe = new MemoryProbe(config.snapshotDir && join(config.snapshotDir, String(config.jobs)));

  // first use pays once per process: undici's parser compiled, the engine's code compiled and its
  // caches filled; the same steps as below with an engine and connections of its own, all dropped
  const warmUpConnections = connectionsOnBenchClock(config.timeScale);
  const warmUp = startEngine(config, warmUpConnections, () => undefined);
  await runBatch(warmUp, { ...config.request, prompt: config.warmUpPrompt }, config.warmUpJobs, 0, () => undefined);
  await removeAll(warmUp);
  warmUp.manager.dispose();
  await warmUp.store.flush();
  warmUp.store.dispose();
  warmUp.journal.remove();
  await warmUpConnections.close();
  await sleep(100); // the warm-up journal's file handle closes after its last write, asynchronously

  // connections of the engine's own: those the jobs open count while they are in flight
  let errors = 0;
  const connections = connectionsOnBenchClock(config.timeScale);
  const engine = startEngine(config, connections, () => void errors++);
  const baseline = probe.read('baseline');
  probe.start();
  const started = performance.now();
  let peak: LiveMemory | undefined;
  await runBatch(engine, config.request, config.jobs, config.settleMs, () => {
    peak = probe.read('peak');
    release();
  });
  const runMs = performance.now() - started;
  const figures = probe.stop();
  const completed = probe.read('completed');
  await sleep(config.idleMs);
  // the connections' keep-alive is over by now; closed, their pool goes too
  await connections.close();
  const idle = probe.read('idle');
  await removeAll(engine);
  const removed = probe.read('removed');

  // the same batch again, through the same engine: room the first one made and this one reuses (a
  // map's or an array's capacity, the last calls a rate window remembers, V8's code and its
  // dependencies) is in both readings; only what each batch adds for good is between them
  // Its jobs are of a kind new to the engine, as the first batch's were: of the first batch's kind,
  // they would wait out the quiet period its durations taught (seconds for nothing; durationHistory.ts)
  const connectionsAgain = connectionsOnBenchClock(config.timeScale);
  engine.connectThrough(connectionsAgain);
  const anotherKind = { ...config.request, params: { ...config.request.params, steps: (config.request.params.steps ?? 0) + 1 } };
  await runBatch(engine, anotherKind, config.jobs, config.settleMs, release);
  await sleep(config.idleMs);
  await connectionsAgain.close();
  await removeAll(engine);
  const removedAgain = probe.read('removed-again');
  engine.manager.dispose();
  engine.store.dispose();
  engine.journal.remove();
  probe.dispose();

  const report: MemoryClientReport = { ...figures, baseline, peak: peak!, completed, idle, removed, removedAgain, errors, runMs };
  process.send!({ kind: 'report', report } satisfies MemoryClientMessage, () => process.exit(0));
}

void main();
