// `npm run bench`: the poll engine against the peers (a fixed loop over the same provider code, and
// the real @fal-ai/client and replicate clients) on loopback servers that model a provider (see
// timelines.ts): a batch of concurrent jobs, several seeds, the documented rate limits on every client.
// Time-scaled (BENCH_TIME_SCALE, 1 = real time) to fit in about three minutes; then bundle size and
// activation cost. Prints tables; exits non-zero when a target fails.
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { jointColumn, printJointFeasibility } from './jointReport';
import { printFittedElsewhere } from './sampleFit';
import { exitOnSignals, removeOnExit } from './processCleanup';
import { printHeldTable } from './heldReport';
import { formatInterval, ratioInterval } from './ratioInterval';
import { measureBundles } from './bundleCost';
import { measureMemory } from './memory';
import type { ClientConfig, ClientReport } from './client';
import {
  absoluteP95,
  overOptimum,
  percent,
  printMemory,
  printTable,
  relativeP95,
  starvedRuns,
  statusPerJob,
  withRowOptimum,
  type Row,
  type SeedRun,
} from './report';
import { createServer, MEDIAN_MS, SCHEDULES, schedulesFor, SIGMA, TARGETS, workSampler, type Schedule, type Target } from './targets';
import { meetsListTarget, requestCounts } from './listTarget';
import { runTimeSampler, type BenchTimeline } from './timelines';
import { jobIdInPath, type FakeProviderServer } from '../fixtures/providers/fakeServer';
import { DEFAULT_POLL_POLICY } from '../../src/core/jobs/pollPolicy';
import { providerInfo } from '../../src/core/providers/catalog';

/**
 * `npm run bench:all` (or BENCH_ALL=1): the context rows too (targets.ts: the peers' other modes,
 * SubModel's held requests and /runsync). The default run has the rows the targets are judged by.
 */
const ALL_ROWS = process.argv.includes('--all') || Boolean(process.env.BENCH_ALL);
/** BENCH_FIRST_SEED: other seeds, to check a change on timelines it was not tuned on. */
const FIRST_SEED = Number(process.env.BENCH_FIRST_SEED ?? 20261122);
const SEEDS = Array.from({ length: Number(process.env.BENCH_SEEDS ?? 3) }, (_, i) => FIRST_SEED + 1000 * i);
/**
 * Bench milliseconds per real one (at 0.1 a 20 s median job takes 2 s here): each target's own, unless
 * BENCH_TIME_SCALE sets one for all. The seeds of a schedule run side by side, so each run must leave
 * the machine idle most of the time: the table's loop-delay column and a warning under it say when it
 * did not.
 */
const timeScaleOf = (target: Target) => Number(process.env.BENCH_TIME_SCALE ?? target.timeScale);
const repo = join(__dirname, '..', '..', '..');

/**
 * undici parses responses with llhttp compiled to WebAssembly; by default V8 tiers its hot parts up
 * whenever they get hot, a one-off ~35 MB compile that would land in the middle of whichever run.
 * Compiled whole at the first response instead, it falls in the client's warm-up, before the baseline.
 */
const CLIENT_NODE_FLAGS = ['--no-wasm-dynamic-tiering', ...(process.env.BENCH_CLIENT_FLAGS?.split(' ').filter(Boolean) ?? [])];

// before the client's folder below: a signal during the build would otherwise leave it behind
exitOnSignals();

/**
 * The client as one file of its own, built once: the bench forks it for minutes, while anyone's
 * `npm run build` in the same checkout empties out/.
 */
const clientScript = (() => {
  const folder = mkdtempSync(join(tmpdir(), 'image-jobs-bench-'));
  removeOnExit(folder);
  const outfile = join(folder, 'client.js');
  buildSync({
    entryPoints: [join(repo, 'test', 'bench', 'client.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
})();

async function runClient(config: ClientConfig): Promise<ClientReport> {
  const child = fork(clientScript, {
    execArgv: CLIENT_NODE_FLAGS,
    env: { ...process.env, BENCH_CLIENT_CONFIG: JSON.stringify(config) },
    stdio: 'inherit',
  });
  return new Promise<ClientReport>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ClientReport));
    child.once('exit', (code) => code !== 0 && reject(new Error(`bench client exited with ${code}`)));
  });
}

function clientConfig(
  target: Target,
  server: FakeProviderServer,
  schedule: Schedule,
  seed: number,
  earlierServer?: FakeProviderServer,
): ClientConfig {
  const earlier = runTimeSampler(seed + 1, workSampler(seed + 1)); // the same kind of job, other draws
  return {
    schedule: schedule.schedule,
    fixedIntervalMs: schedule.fixedIntervalMs && schedule.fixedIntervalMs * timeScaleOf(target),
    providerId: target.providerId,
    request: target.request,
    context: withOptions(target.context(server), schedule),
    jobs: target.jobs,
    timeScale: timeScaleOf(target),
    heldWaitMs: schedule.heldWaitMs && schedule.heldWaitMs * timeScaleOf(target),
    seed,
    historyDurationsMs: Array.from({ length: schedule.historyJobs ?? 0 }, () => earlier() * timeScaleOf(target)),
    earlierBatchContext: earlierServer && withOptions(target.context(earlierServer), schedule),
  };
}

function withOptions(context: ClientConfig['context'], schedule: Schedule): ClientConfig['context'] {
  return schedule.providerOptions ? { ...context, options: { ...context.options, ...schedule.providerOptions } } : context;
}

async function startServer(
  target: Target,
  schedule: Schedule,
  seed: number,
): Promise<{ server: FakeProviderServer; model: BenchTimeline }> {
  const started = createServer(target, schedule, seed, timeScaleOf(target));
  // BENCH_POLL_DUMP=folder: every request kept, to write each job's looks there (dumpPolls)
  started.server.recordRequests = Boolean(process.env.BENCH_POLL_DUMP);
  await started.server.start();
  return started;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One schedule, its seeds side by side (each its own server and client process), started `seedStaggerMs` apart. */
async function runSeeds(target: Target, schedule: Schedule): Promise<SeedRun[]> {
  const serverLoop = monitorEventLoopDelay({ resolution: 5 });
  serverLoop.enable();
  const stagger = target.seedStaggerMs ?? 0;
  const runs = await Promise.all(SEEDS.map((seed, i) => delay(i * stagger).then(() => runOne(target, schedule, seed))));
  serverLoop.disable();
  const server = serverLoop.percentile(99) / 1e6;
  // each seed's blind optimum at the row's p95 (report.ts, overOptimum)
  return withRowOptimum(runs.map((run) => ({ ...run, loopDelayP99Ms: { ...run.loopDelayP99Ms, server } })));
}

async function runOne(target: Target, schedule: Schedule, seed: number): Promise<Omit<SeedRun, 'optimum'>> {
  const { server, model } = await startServer(target, schedule, seed);
  // the earlier batch: other draws of the same work, on a server of its own, so the rows count only the measured batch
  const earlier = schedule.earlierBatch ? await startServer(target, schedule, seed + 500) : undefined;
  const started = performance.now();
  const report = await runClient(clientConfig(target, server, schedule, seed, earlier?.server));
  const wallS = (performance.now() - started) / 1000;
  await Promise.all([server.stop(), earlier?.server.stop()]);
  const jobs = [...server.jobs.values()];
  if (process.env.BENCH_POLL_DUMP)
    dumpPolls(process.env.BENCH_POLL_DUMP, `${target.providerId}-${schedule.label}-${seed}`, server, model, timeScaleOf(target));
  const durationOf = (job: (typeof jobs)[number]) => model.plan(job)!.endAt - job.createdAt;
  const lags = report.detections.flatMap(({ remoteId, detectedAt }) => {
    const job = server.jobs.get(remoteId);
    if (!job) return [];
    const { endAt } = model.plan(job)!;
    // a job whose timeline never read done to an answer counts as landed when it was detected
    const landedAt = model.seenDoneAt.get(job.id) ?? detectedAt;
    return [{ duration: durationOf(job), lagMs: Math.max(0, detectedAt - endAt), landedMs: Math.max(0, landedAt - endAt) }];
  });
  const sorted = (values: number[]) => values.sort((a, b) => a - b);
  const relative = sorted(lags.map(({ duration, lagMs }) => lagMs / duration));
  const { statusRequests, resultFetches } = requestCounts(server);
  const refused = [...model.refused.values()].reduce((a, b) => a + b, 0);
  return {
    statusPerJob: statusRequests / target.jobs,
    resultPerJob: resultFetches === undefined ? undefined : resultFetches / target.jobs,
    allPerJob: model.requestsSeen / target.jobs,
    refusedPerJob: refused / target.jobs,
    relative,
    absolute: sorted(lags.map(({ lagMs }) => lagMs / timeScaleOf(target))),
    landed: {
      relative: sorted(lags.map(({ duration, landedMs }) => landedMs / duration)),
      absolute: sorted(lags.map(({ landedMs }) => landedMs / timeScaleOf(target))),
    },
    durationsMs: jobs.map((job) => durationOf(job) / timeScaleOf(target)),
    cpuMs: report.cpuMs,
    rssGrowthMb: report.peak.rssMb - report.baseline.rssMb,
    baseline: report.baseline,
    peak: report.peak,
    detected: report.detections.length,
    jobs: target.jobs,
    errors: report.errors,
    wallS,
    loopDelayP99Ms: { client: report.loopDelayP99Ms, server: 0 },
    peakConcurrent: model.peakInFlight(),
  };
}

/**
 * Each job's submit, start, end and looks, in real ms from the first submit: to see where a schedule
 * spends its requests. A look is any request naming the job (SubModel's status is a POST); a list
 * round's look (Serika's GET /jobs) names none and is left out. Keeping every request costs the
 * server memory, so dumped runs are for reading, not for the table.
 */
function dumpPolls(folder: string, name: string, server: FakeProviderServer, model: BenchTimeline, timeScale: number): void {
  const jobs = [...server.jobs.values()];
  const origin = Math.min(...jobs.map((job) => job.createdAt));
  const scale = (at: number) => Math.round((at - origin) / timeScale);
  const looks = new Map<string, number[]>();
  for (const request of server.requests) {
    const id = jobIdInPath(request.path);
    if (!id) continue;
    if (!looks.has(id)) looks.set(id, []);
    looks.get(id)!.push(scale(request.at));
  }
  const rows = jobs.map((job) => {
    const plan = model.plan(job)!;
    const seen = model.seenDoneAt.get(job.id);
    return {
      created: scale(job.createdAt),
      start: scale(plan.startAt),
      end: scale(plan.endAt),
      seen: seen === undefined ? undefined : scale(seen),
      looks: looks.get(job.id) ?? [],
    };
  });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${name.replace(/[^\w.-]+/g, '_')}.json`), JSON.stringify(rows));
}

async function main(): Promise<void> {
  const failures: string[] = [];
  // BENCH_SCHEDULE=0 or 0,1,2: those schedules only
  const schedules = process.env.BENCH_SCHEDULE
    ? process.env.BENCH_SCHEDULE.split(',').map((index) => SCHEDULES[Number(index)]!)
    : SCHEDULES.filter((schedule) => ALL_ROWS || !schedule.context);
  const rowsOf = async (target: Target, of: readonly Schedule[]) => {
    const rows: Row[] = [];
    for (const schedule of schedulesFor(target, of, ALL_ROWS)) rows.push({ label: schedule.label, runs: await runSeeds(target, schedule) });
    return rows;
  };
  const rowsByTarget = new Map<string, Row[]>();
  const targets = TARGETS.filter(
    (candidate) => (ALL_ROWS || !candidate.contextOnly) && (!process.env.BENCH_TARGET || candidate.providerId === process.env.BENCH_TARGET),
  );
  for (const target of targets) {
    const rows = await rowsOf(target, schedules);
    if (!target.contextOnly) rowsByTarget.set(target.providerId, rows);
    const { reportsProgress } = providerInfo(target.providerId);
    const byLabel = (schedule: Schedule | undefined) => rows.find((row) => row.label === schedule?.label);
    // a blind provider judged by the blind optimum (not by the list target, nor context): the optimum that also keeps
    // the 2 s loop's absolute p95, beside the relative-only one
    const judgedByOptimum = !reportsProgress && !target.lagNoWorseThan && !target.contextOnly;
    const loop = judgedByOptimum ? byLabel(SCHEDULES.find((schedule) => schedule.schedule === 'fixed')) : undefined;
    printTable(
      `${target.name}: ${target.jobs} jobs at once on ${target.workers} workers, work lognormal (median ${MEDIAN_MS / 1000} s, σ ${SIGMA}) + queue + tail, seeds ${SEEDS.join(', ')}, time scale ${timeScaleOf(target)}, Node ${process.version}; lags relative to each job's submit-to-done time`,
      rows,
      loop && jointColumn(loop),
    );
    const starved = starvedRuns(rows, DEFAULT_POLL_POLICY.minIntervalMs * timeScaleOf(target));
    if (starved) console.log(starved);
    if (loop) {
      const plainEngine = SCHEDULES.filter((schedule) => schedule.schedule === 'engine' && !schedule.providerOptions);
      const engineRows = plainEngine.flatMap((schedule) => byLabel(schedule) ?? []);
      printJointFeasibility(engineRows, loop);
      printFittedElsewhere(engineRows);
    }
    if (target.providerId === 'submodel' && ALL_ROWS) printHeldTable(target.limits, rows, SCHEDULES);
    if (target.peerClientsLeftOut) console.log(`no peer clients' rows: ${target.peerClientsLeftOut}`);
    if (target.note) console.log(target.note);
    // debugging one schedule: its row only, no verdict; a context target has none
    if (process.env.BENCH_SCHEDULE || target.contextOnly) continue;
    printMemory(rows);
    if (target.lagNoWorseThan) {
      const reference = TARGETS.find((candidate) => candidate.providerId === target.lagNoWorseThan)!;
      // its engine rows, run now if that target was not
      const referenceRows =
        rowsByTarget.get(reference.providerId) ??
        (await rowsOf(
          reference,
          SCHEDULES.filter((schedule) => schedule.schedule === 'engine' && !schedule.context),
        ));
      if (!meetsListTarget(rows, referenceRows, reference.name)) failures.push(target.name);
      continue;
    }
    const find = (schedule: Schedule['schedule'], history = false) =>
      byLabel(
        SCHEDULES.find((candidate) => candidate.schedule === schedule && !candidate.context && Boolean(candidate.historyJobs) === history),
      );
    const [cold, warm, every2s, falPolling] = [find('engine'), find('engine', true), find('fixed')!, find('fal-poll')!];
    // a target may leave the engine with history to `npm run bench:all` (targets.ts, contextSchedule)
    const engines = [cold, warm].flatMap((engine) => engine ?? []);
    const verdicts = engines.map((engine) => {
      // against the 2 s loop (the provider's own samples): fewer requests, and no more absolute lag
      const fewer = statusPerJob(engine) < statusPerJob(every2s);
      const noLater = absoluteP95(engine) <= absoluteP95(every2s);
      const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');
      const lead = `${engine.label}: fewer requests than the 2 s loop ${verdict(fewer)}; absolute p95 lag ≤ the 2 s loop's ${verdict(noLater)}`;
      if (reportsProgress) {
        // issue 4's lag target, which issue 13 keeps for providers that report progress
        const lagOk = relativeP95(engine) <= relativeP95(falPolling);
        console.log(`${lead}; p95 lag ≤ the fal client's ${verdict(lagOk)}`);
        return fewer && noLater && lagOk;
      }
      // Blind to a job's state, the lag a schedule buys is set by its requests: issue 13 replaced issue
      // 4's "no more lag than the 500 ms loop" for these providers by the optimum at the schedule's own
      // lag. The fal client, held by the documented rate limit, is printed beside it, not judged.
      const nearOptimum = overOptimum(engine) <= 1.1;
      const fal = `p95 lag ${percent(relativeP95(engine))} at ${statusPerJob(engine).toFixed(1)} req/job, the fal client's ${percent(relativeP95(falPolling))} at ${statusPerJob(falPolling).toFixed(1)}`;
      console.log(
        `${lead}; within 1.1× of the blind optimum at its landed p95 ${verdict(nearOptimum)} (${overOptimum(engine).toFixed(2)}×, ${formatInterval(ratioInterval(engine))} as its p95's sampling goes: ratioInterval.ts); context: ${fal}`,
      );
      return fewer && noLater && nearOptimum;
    });
    // blind providers: a model new to the engine and one it knows must both meet the targets
    if (!(reportsProgress ? verdicts.some(Boolean) : verdicts.length === 2 && verdicts.every(Boolean))) failures.push(target.name);
  }
  // BENCH_TARGET=memory: the memory part alone
  if (!process.env.BENCH_SCHEDULE && [undefined, 'memory'].includes(process.env.BENCH_TARGET))
    failures.push(...(await measureMemory(repo)));
  failures.push(...measureBundles(repo));
  if (failures.length) {
    console.log(`\nmissed targets: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

void main();
