// One benchmark client, in its own process so its CPU time and memory are its own: submits N jobs to
// a loopback provider server and detects their completion with one schedule, then reports.
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { HttpClient } from '../../src/core/http';
import { JobManager } from '../../src/core/jobs/jobManager';
import { BenchJournal, discardedAssets } from './benchJournal';
import { exitWithParent } from './processCleanup';
import { JobStore } from '../../src/core/jobs/jobStore';
import { earlierJobs } from '../fixtures/earlierJobs';
import { seededUniform } from './timelines';
import { DEFAULT_POLL_POLICY, type PollPolicyOptions } from '../../src/core/jobs/pollPolicy';
import { limitsOnBenchClock, policyOnBenchClock } from './benchClock';
import { PROVIDER_LIMITS } from '../../src/core/providers/providerGate';
import { runPeer, scaleTimers, type PeerSchedule } from './peerClients';
import { PROVIDER_IMPLEMENTATIONS } from '../../src/core/providers/registry';
import type { GenerationRequest, JobRecord, ProviderId } from '../../src/core/jobModel';
import type { ProviderContext, RemoteJobState } from '../../src/core/providers/types';

export interface ClientConfig {
  /** The engine, a fixed loop over the extension's provider code, or a peer's own client. */
  readonly schedule: 'engine' | 'fixed' | PeerSchedule;
  readonly fixedIntervalMs?: number;
  readonly providerId: ProviderId;
  readonly request: GenerationRequest;
  readonly context: Omit<ProviderContext, 'http'>;
  readonly jobs: number;
  readonly timeScale: number;
  /** The engine's held status wait, time-scaled (engine only, where the provider has one). */
  readonly heldWaitMs?: number;
  /** Seeds the engine's own jitter, as the timeline's draws are seeded. */
  readonly seed: number;
  /** Finished jobs of the same kind already in the store (engine only). */
  readonly historyDurationsMs: readonly number[];
  /**
   * A server of its own where a batch of the kind runs to its end first, learnt from live (engine
   * only): the store's history as after a batch in the extension, without a reload.
   */
  readonly earlierBatchContext?: Omit<ProviderContext, 'http'>;
}

/** Where a process's memory is: V8's young and old generations (committed), and the rest of RSS. */
export interface MemoryParts {
  readonly rssMb: number;
  readonly youngMb: number;
  readonly oldMb: number;
  /** Outside the V8 heap: malloc arenas (V8's GC and compiler threads among them), code, stacks. */
  readonly otherMb: number;
}

export interface ClientReport {
  readonly detections: { remoteId: string; detectedAt: number }[];
  readonly cpuMs: number;
  /** What the first HTTP response cost (undici compiling its parser): once per process. */
  readonly warmUpRssMb: number;
  /** Once the modules are loaded and the HTTP client warmed up, before any job. */
  readonly baseline: MemoryParts;
  /** When RSS was highest. */
  readonly peak: MemoryParts;
  readonly errors: number;
  /** The client's event-loop delay, p99 in real ms: high when the machine starves it of CPU. */
  readonly loopDelayP99Ms: number;
}

const MB = 1024 * 1024;

function memoryParts(): MemoryParts {
  const rss = process.memoryUsage().rss;
  let young = 0;
  let heap = 0;
  for (const space of getHeapSpaceStatistics()) {
    heap += space.space_size;
    if (space.space_name === 'new_space' || space.space_name === 'new_large_object_space') young += space.space_size;
  }
  return { rssMb: rss / MB, youngMb: young / MB, oldMb: (heap - young) / MB, otherMb: (rss - heap) / MB };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runFixed(config: ClientConfig, http: HttpClient, detected: (remoteId: string) => void): Promise<number> {
  const provider = PROVIDER_IMPLEMENTATIONS[config.providerId];
  const context: ProviderContext = { ...config.context, http };
  let errors = 0;
  // what the providers' samples do, polling as the fal client does: at once after the submit, then
  // one interval after each answer; no gate, so the provider's 429s are met and retried as they come
  await Promise.all(
    Array.from({ length: config.jobs }, async (_, index) => {
      let remoteId: string | undefined;
      while (!remoteId) {
        try {
          ({ remoteId } = await provider.submit(config.request, `bench-${index}`, context));
        } catch {
          errors++;
          await sleep(config.fixedIntervalMs!);
        }
      }
      for (let first = true; ; first = false) {
        if (!first) await sleep(config.fixedIntervalMs!);
        let state: RemoteJobState;
        try {
          state = await provider.poll(remoteId, context);
        } catch {
          errors++;
          continue;
        }
        if (state.status === 'succeeded') {
          detected(remoteId);
          for (const output of state.outputs)
            if (output.kind === 'url') await http.download(output.url, { maxBytes: 1e7 }).catch(() => errors++);
          return;
        }
        if (state.status === 'failed' || state.status === 'cancelled' || state.status === 'expired') return;
      }
    }),
  );
  return errors;
}

async function runEngine(config: ClientConfig, http: HttpClient, detected: (remoteId: string) => void): Promise<number> {
  // persistence pays what the extension's pays: the jobs journal, on disk, with its fdatasyncs
  const output = { root: 'file:///bench', folder: 'out', nameTemplate: '{{job}}', baseName: 'bench' };
  const journal = BenchJournal.create(earlierJobs(config.request, output, config.historyDurationsMs));
  const store = new JobStore(journal);
  const scale = config.timeScale;
  // BENCH_POLICY='{"ageFraction":0.1}': the engine with other settings, to try one (on the real clock)
  const tuned: PollPolicyOptions = { ...DEFAULT_POLL_POLICY, ...(process.env.BENCH_POLICY && JSON.parse(process.env.BENCH_POLICY)) };
  const policy = policyOnBenchClock(tuned, scale);
  let errors = 0;
  let context = config.earlierBatchContext ?? config.context;
  const manager = new JobManager(
    store,
    async () => ({ provider: PROVIDER_IMPLEMENTATIONS[config.providerId], context: { ...context, http } }),
    discardedAssets,
    { info: () => undefined, warn: () => void errors++, error: () => void errors++ },
    {
      pollPolicy: () => policy,
      random: seededUniform(config.seed * 7 + 4),
      providerLimits: { [config.providerId]: limitsOnBenchClock(PROVIDER_LIMITS[config.providerId], scale) },
      ...(config.heldWaitMs !== undefined && { heldWaitMs: config.heldWaitMs }),
    },
  );
  // one batch at a time: the earlier one, if any, has ended before the measured one is submitted
  let batch: { readonly ended: Set<string>; readonly measured: boolean; readonly finished: () => void } | undefined;
  const done = new Set<string>();
  store.onDidChange((change) => {
    if (change.kind !== 'upsert' || !batch) return;
    const job: JobRecord = change.job;
    if (batch.measured && (job.status === 'downloading' || job.status === 'succeeded') && job.remoteId && !done.has(job.id)) {
      done.add(job.id);
      detected(job.remoteId);
    }
    if ((job.status === 'succeeded' || job.status === 'failed') && !job.id.startsWith('earlier-')) {
      batch.ended.add(job.id);
      if (batch.ended.size === config.jobs) batch.finished();
    }
  });
  const runBatch = async (measured: boolean) => {
    const allEnded = new Promise<void>((finished) => (batch = { ended: new Set(), measured, finished }));
    await Promise.all(Array.from({ length: config.jobs }, () => manager.submit(config.request, { kind: 'script' }, output)));
    await allEnded;
  };
  if (config.earlierBatchContext) {
    await runBatch(false);
    context = config.context;
  }
  await runBatch(true);
  manager.dispose();
  store.dispose();
  if (process.env.BENCH_DEBUG) console.log(`jobs journal: ${journal.writes} writes, ${(journal.bytes / MB).toFixed(1)} MB at the end`);
  journal.remove();
  return errors;
}

/**
 * BENCH_ALLOC_PROFILE=1: where the client allocates (garbage included), by call site, largest first.
 * =survivors: only what outlived a young-generation GC, which is what grows the heap; =self groups by
 * function alone.
 */
async function startAllocationProfile(mode: string): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: mode !== 'survivors',
  } as never);
  return async () => {
    const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: ProfileNode } };
    interface ProfileNode {
      callFrame: { functionName: string; url: string; lineNumber: number };
      selfSize: number;
      children: ProfileNode[];
    }
    const totals = new Map<string, number>();
    const visit = (node: ProfileNode, path: string[]) => {
      const frame = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*\/(node_modules|out)\//, '$1/')}:${node.callFrame.lineNumber}`;
      const key = mode === 'self' ? frame : [...path.slice(-2), frame].join(' < ');
      totals.set(key, (totals.get(key) ?? 0) + node.selfSize);
      for (const child of node.children) visit(child, [...path, frame].slice(-2));
    };
    visit(profile.head, []);
    const all = [...totals.values()].reduce((a, b) => a + b, 0);
    console.log(`allocated ≈ ${(all / MB).toFixed(0)} MB`);
    for (const [key, size] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`${(size / MB).toFixed(1).padStart(7)} MB  ${key}`);
  };
}

async function main(): Promise<void> {
  exitWithParent();
  const config = JSON.parse(process.env.BENCH_CLIENT_CONFIG!) as ClientConfig;
  const http = new HttpClient({ timeoutMs: 30_000 });
  const detections: ClientReport['detections'] = [];
  const loadedRss = process.memoryUsage().rss;
  // The first response makes undici compile its llhttp WebAssembly parser (~35 MB of compiler memory
  // for a moment, part of it kept): once per process, whatever the number of jobs. Pay it before the
  // baseline, and give the background compiler time to finish.
  for (let i = 0; i < 20; i++) await http.download(`${config.context.baseUrl}/warm-up`, { maxBytes: 65536 }).catch(() => undefined);
  const peer = config.schedule !== 'engine' && config.schedule !== 'fixed' ? config.schedule : undefined;
  // the peers' clients use Node's own fetch (its own copy of undici): warm that one too
  if (peer)
    for (let i = 0; i < 20; i++)
      await fetch(`${config.context.baseUrl}/warm-up`).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
  await sleep(1000);
  const baseline = memoryParts();
  let peak = baseline;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    if (usage.rss <= peak.rssMb * MB) return;
    peak = memoryParts();
    if (process.env.BENCH_DEBUG) {
      const mb = (bytes: number) => (bytes / MB).toFixed(0);
      const spaces = getHeapSpaceStatistics()
        .map((space) => `${space.space_name.replace('_space', '')} ${mb(space.space_used_size)}/${mb(space.space_size)}`)
        .join(', ');
      console.log(
        `rss ${mb(usage.rss)} MB: heap used ${mb(usage.heapUsed)} of ${mb(usage.heapTotal)} (${spaces}), external ${mb(usage.external)}, V8 malloc ${mb(getHeapStatistics().malloced_memory)}`,
      );
    }
  }, 50);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const cpuStart = process.cpuUsage();
  const detected = (remoteId: string) => detections.push({ remoteId, detectedAt: Date.now() });
  const profiler = process.env.BENCH_ALLOC_PROFILE ? await startAllocationProfile(process.env.BENCH_ALLOC_PROFILE) : undefined;
  if (peer) scaleTimers(config.timeScale);
  const errors = peer
    ? await runPeer({ schedule: peer, baseUrl: config.context.baseUrl, apiKey: config.context.apiKey!, jobs: config.jobs, detected })
    : config.schedule === 'engine'
      ? await runEngine(config, http, detected)
      : await runFixed(config, http, detected);
  await profiler?.();
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuStart);
  loopDelay.disable();
  const end = memoryParts();
  if (end.rssMb > peak.rssMb) peak = end;
  const report: ClientReport = {
    detections,
    cpuMs: (cpu.user + cpu.system) / 1000,
    warmUpRssMb: baseline.rssMb - loadedRss / MB,
    baseline,
    peak,
    errors,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  };
  process.send!(report, () => process.exit(0));
}

void main();
