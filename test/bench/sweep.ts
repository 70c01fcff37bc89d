// `npm run bench:sweep`: a 10 × 10 sweep (100 jobs) through the engine as Generate submits it (the
// `.prompt` file parsed and checked, its cells planned, recorded as one batch), on the Sandbox job
// server and on the TAMS loopback server under its documented 5 requests/s, next to the engine's
// usual figures: the same 100 jobs submitted one by one, as `npm run bench`'s client does. Real time,
// no scaling: the TAMS rows take about a minute each. Prints requests per job by kind, 429s,
// jobs-journal writes, wall time; then what the Jobs view does for the batch (its tree events,
// and the time to build the batch's 100 rows as getTreeItem does, against a 16.7 ms frame).
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { HttpClient } from '../../src/core/http';
import { JobManager } from '../../src/core/jobs/jobManager';
import { JobStore } from '../../src/core/jobs/jobStore';
import { isTerminal, type GenerationRequest, type OutputTarget, type ProviderId } from '../../src/core/jobModel';
import { planSweep, type CellPlan } from '../../src/core/prompt/generationPlan';
import { checkPromptFile } from '../../src/core/prompt/promptCheck';
import { PROVIDER_IMPLEMENTATIONS } from '../../src/core/providers/registry';
import type { ImageProvider, ProviderContext } from '../../src/core/providers/types';
import type { AssetSink } from '../../src/core/results/resultSaver';
import { SandboxServer } from '../../src/core/sandbox/server';
import { JobsTreeModel } from '../../src/views/jobsTreeModel';
import { batchStateLabel, batchTooltipMarkdown } from '../../src/views/batchPresentation';
import { cellDescription } from '../../src/core/prompt/sweepCells';
import { jobStateLabel, jobTooltipMarkdown } from '../../src/views/jobPresentation';
import type { TreeChange } from '../../src/views/treeChangeBatcher';
import { BenchJournal } from './benchJournal';
import { exitOnSignals } from './processCleanup';
import { TamsServer } from '../fixtures/providers/tamsServer';

const SIDE = 10;
const FRAME_MS = 1000 / 60;

interface Target {
  readonly name: string;
  readonly providerId: ProviderId;
  readonly model: string;
  /** Front matter lines before the sweep (size, steps: what the provider accepts). */
  readonly config: string;
  start(): Promise<{ readonly context: Omit<ProviderContext, 'http'>; readonly refused: () => number; stop(): Promise<void> }>;
}

const TARGETS: Target[] = [
  {
    name: 'Sandbox',
    providerId: 'sandbox',
    model: 'landscape',
    config: 'config:\n  width: 256\n  height: 160\n  steps: 30',
    async start() {
      // its default render slots (4), each job 1 s: the batch queues as on a busy provider
      const server = new SandboxServer({ jobDurationMs: () => 1000 });
      return { context: { baseUrl: await server.start() }, refused: () => 0, stop: () => server.stop() };
    },
  },
  {
    name: 'TAMS (5 requests/s)',
    providerId: 'tams',
    model: '600423083519508503',
    config: 'config:\n  width: 512\n  height: 512\n  steps: 20',
    async start() {
      const server = new TamsServer({ durationMs: 4000 });
      server.recordRequests = false;
      await server.start();
      return {
        context: { baseUrl: server.url, apiKey: server.apiKey },
        refused: () => server.rateLimitedCount,
        stop: () => server.stop(),
      };
    },
  },
];

/** A 10 × 10 sweep of seed and CFG scale: 100 jobs, each with its own request. */
function sweepSource(target: Target): string {
  const seeds = Array.from({ length: SIDE }, (_, i) => 1000 + i);
  const cfgs = Array.from({ length: SIDE }, (_, i) => 3 + i);
  return `---\nmodel: ${target.providerId}/${target.model}\n${target.config}\nsweep:\n  seed: [${seeds.join(', ')}]\n  cfgScale: [${cfgs.join(', ')}]\n---\nA harbour at dusk\n`;
}

interface Counts {
  submit: number;
  poll: number;
  cancel: number;
  download: number;
}

/** The provider, with every call it makes counted (refused ones too: they were requests). */
function counted(provider: ImageProvider, counts: Counts): ImageProvider {
  return {
    ...provider,
    submit: (...args) => (counts.submit++, provider.submit(...args)),
    poll: (...args) => (counts.poll++, provider.poll(...args)),
    ...(provider.cancel && { cancel: (...args) => (counts.cancel++, provider.cancel!(...args)) }),
  };
}

class CountingHttp extends HttpClient {
  downloads = 0;
  override download(...args: Parameters<HttpClient['download']>): ReturnType<HttpClient['download']> {
    this.downloads++;
    return super.download(...args);
  }
}

/** Files in memory: the names a real save would pick, without the disk. */
function memorySink(): AssetSink {
  const files = new Set<string>();
  return {
    exists: async (root, path) => files.has(`${root}/${path}`),
    write: async (root, path) => void files.add(`${root}/${path}`),
    remove: async (root, path) => void files.delete(`${root}/${path}`),
  };
}

interface RunResult {
  readonly label: string;
  readonly counts: Counts;
  readonly refused: number;
  readonly writesToRecord?: number;
  readonly writes: number;
  /** Until submitBatch resolved: every job recorded, none sent yet. */
  readonly recordMs: number;
  readonly wallS: number;
  readonly failed: number;
  readonly tree?: TreeFigures;
}

interface TreeFigures {
  readonly events: number;
  readonly rootEvents: number;
  readonly elementsSent: number;
  /** Per event, sorted. */
  readonly buildMs: readonly number[];
  /** The slowest event: what it named (rows, or the root) and the rows built for it. */
  readonly slowest: { readonly ms: number; readonly named: string; readonly built: number };
}

async function run(target: Target, mode: 'usual' | 'sweep', plans: readonly CellPlan[]): Promise<RunResult> {
  const server = await target.start();
  const counts: Counts = { submit: 0, poll: 0, cancel: 0, download: 0 };
  const http = new CountingHttp({ timeoutMs: 30_000 });
  const provider = counted(PROVIDER_IMPLEMENTATIONS[target.providerId], counts);
  const journal = BenchJournal.create();
  const store = new JobStore(journal);
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const manager = new JobManager(store, async () => ({ provider, context: { ...server.context, http } }), memorySink(), quiet);
  const tree = mode === 'sweep' ? watchTree(store) : undefined;
  const started = performance.now();
  let ids: readonly string[];
  let recorded = started;
  if (mode === 'sweep') {
    const batch = await manager.submitBatch(plans, { kind: 'promptFile', uri: 'file:///bench/harbour.prompt' });
    recorded = performance.now();
    ids = batch.ids;
  } else {
    // the main bench's client: one request, 100 submits at once, each recorded before it is sent
    const request: GenerationRequest = plans[0]!.request;
    ids = await Promise.all(plans.map(() => manager.submit(request, { kind: 'script' }, plans[0]!.output)));
  }
  // one by one, each job's record joins the others' group commit on its own: counted for the batch only
  const writesToRecord = mode === 'sweep' ? journal.writes : undefined;
  await until(() => ids.every((id) => isTerminal(store.get(id)?.status ?? 'failed')));
  const wallS = (performance.now() - started) / 1000;
  const failed = ids.filter((id) => store.get(id)?.status !== 'succeeded').length;
  counts.download = http.downloads;
  const treeFigures = tree?.finish();
  manager.dispose();
  store.dispose();
  journal.remove();
  await server.stop();
  return {
    label: mode === 'sweep' ? `${SIDE} × ${SIDE} sweep, one batch` : '100 jobs of one request',
    counts,
    refused: server.refused(),
    writesToRecord,
    writes: journal.writes,
    recordMs: recorded - started,
    wallS,
    failed,
    tree: treeFigures,
  };
}

/**
 * The Jobs view's model over the store, as the extension wires it (visible, the batch row open): its
 * events, and for each, the work getTreeItem does for what it names (labels, descriptions, tooltips
 * of the batch row and its rows; VS Code's own rendering is not in it).
 */
function watchTree(store: JobStore): { finish(): TreeFigures } {
  const model = new JobsTreeModel(store);
  model.setVisible(true);
  let [events, rootEvents, elementsSent] = [0, 0, 0];
  const buildMs: number[] = [];
  let slowest = { ms: 0, named: '', built: 0 };
  const build = (change: TreeChange<string>) => {
    const begin = performance.now();
    built = 0;
    const now = Date.now();
    const rows = change ?? model.children();
    for (const row of rows) {
      if (row.startsWith('batch:')) {
        const jobs = model.batchJobs(row);
        if (jobs.length === 0) continue;
        batchStateLabel(jobs, now);
        batchTooltipMarkdown(jobs);
        for (const id of model.children(row)) describe(id);
      } else describe(row);
    }
    const ms = performance.now() - begin;
    buildMs.push(ms);
    if (ms > slowest.ms) slowest = { ms, named: change ? `${change.length} rows` : 'the root', built };
  };
  let built = 0;
  const describe = (id: string) => {
    const job = store.get(id);
    if (!job) return;
    built++;
    jobStateLabel(job, Date.now());
    jobTooltipMarkdown(job);
    if (job.sweep) cellDescription(job.sweep);
  };
  const subscription = model.onDidChange((change) => {
    events++;
    if (change === undefined) rootEvents++;
    else elementsSent += change.length;
    build(change);
  });
  build(undefined);
  return {
    finish() {
      subscription.dispose();
      model.dispose();
      return { events, rootEvents, elementsSent, buildMs: buildMs.sort((a, b) => a - b), slowest };
    },
  };
}

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 50));
}

function perJob(value: number): string {
  return (value / (SIDE * SIDE)).toFixed(2);
}

async function main(): Promise<void> {
  exitOnSignals();
  const only = process.env.BENCH_TARGET;
  const output: OutputTarget = { root: 'file:///bench', folder: 'out', nameTemplate: '{{name}}-{{seed}}', baseName: 'harbour' };
  const header = [
    'target',
    'run',
    'submit/job',
    'status/job',
    'download/job',
    'all/job',
    '429s',
    'state writes to record',
    'all writes',
    'failed',
    'wall',
  ];
  const lines: string[][] = [];
  const treeLines: string[] = [];
  for (const target of TARGETS.filter((candidate) => !only || candidate.providerId === only)) {
    const checked = checkPromptFile(sweepSource(target));
    if (!checked.prompt) throw new Error(`the bench's sweep does not check: ${checked.diagnostics.map((d) => d.message).join('; ')}`);
    const defaults = {
      providerId: target.providerId,
      modelFor: () => target.model,
      outputFolder: 'out',
      nameTemplate: '{{name}}-{{seed}}',
    };
    const plans = planSweep(checked.prompt, {}, 'harbour.prompt', { ...defaults, outputRoot: output.root });
    for (const mode of ['usual', 'sweep'] as const) {
      const result = await run(target, mode, plans);
      const { submit, poll, cancel, download } = result.counts;
      lines.push([
        target.name,
        result.label,
        perJob(submit),
        perJob(poll),
        perJob(download),
        perJob(submit + poll + cancel + download),
        String(result.refused),
        result.writesToRecord === undefined ? '-' : `${result.writesToRecord} (${result.recordMs.toFixed(0)} ms)`,
        String(result.writes),
        String(result.failed),
        `${result.wallS.toFixed(1)} s`,
      ]);
      const tree = result.tree;
      if (tree) {
        const at = (q: number) => tree.buildMs[Math.min(tree.buildMs.length - 1, Math.floor(q * tree.buildMs.length))]!.toFixed(2);
        const total = tree.buildMs.reduce((sum, ms) => sum + ms, 0);
        treeLines.push(
          `${target.name}: ${tree.events} tree events for the batch's whole run (${tree.rootEvents} from the root, ${tree.elementsSent} rows named in the others); ` +
            `building what they name took ${total.toFixed(1)} ms in all; per event p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms ` +
            `(${tree.slowest.named} named, ${tree.slowest.built} rows built; a frame: ${FRAME_MS.toFixed(1)} ms)`,
        );
      }
    }
  }
  const widths = header.map((cell, i) => Math.max(cell.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(
    `\n${SIDE * SIDE} jobs, Node ${process.version}, load ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}`,
  );
  console.log(format(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const line of lines) console.log(format(line));
  console.log(`\nJobs view (the batch row open, every row rebuilt for each event):\n${treeLines.join('\n')}`);
}

void main();
