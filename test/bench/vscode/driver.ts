// `npm run bench:vscode`, the half inside the extension host (loaded as extensionTestsPath, like the
// integration suite): with the Jobs view open, submits Sandbox jobs one by one through
// `imageJobs.generate` and times each, measures what persisting a change writes at 100 jobs and at
// all of them, counts the tree's change events while every job waits (the runner measures this
// process's CPU meanwhile), then submits a sweep of prompt files in one `imageJobs.generate`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { activateExtension, workspaceRoot } from '../../integration/support';
import type { ImageJobsApi } from '../../../src/extension';
import { replay } from '../../../src/core/jobs/journalLines';
import { announce, waitForGo } from './handshake';
import { CpuProfiler } from './profiler';

export interface BenchResult {
  readonly jobs: number;
  readonly latenciesMs: number[];
  /** Bytes the store wrote per change, at 100 jobs and at `jobs`. */
  readonly bytesPerChange: { readonly at: number; readonly bytes: number; readonly changes: number }[];
  readonly tree: TreeCounts & { readonly seconds: number };
  /** `recorded`: jobs in the journal on disk with their provider id when the command returned. */
  readonly batch: { readonly files: number; readonly ms: number; readonly recorded: number };
  readonly profiles: string[];
}

interface TreeCounts {
  events: number;
  rootEvents: number;
  elements: number;
  treeItems: number;
}

const config = {
  dir: process.env.IMAGE_JOBS_BENCH_DIR ?? '',
  jobs: Number(process.env.IMAGE_JOBS_BENCH_JOBS ?? 1000),
  batchFolder: process.env.IMAGE_JOBS_BENCH_BATCH_FOLDER ?? 'sweep',
  userData: process.env.IMAGE_JOBS_BENCH_USER_DATA ?? '',
  profile: process.env.IMAGE_JOBS_BENCH_PROFILE === '1',
};

/** Counts what the Jobs view is sent: change events, their elements, and rows VS Code asks to render. */
function countTree(api: ImageJobsApi): { counts: TreeCounts; reset(): void } {
  const counts: TreeCounts = { events: 0, rootEvents: 0, elements: 0, treeItems: 0 };
  api.jobsTree.onDidChangeTreeData!((change) => {
    counts.events++;
    if (change === undefined || change === null) counts.rootEvents++;
    else counts.elements += Array.isArray(change) ? change.length : 1;
  });
  const tree = api.jobsTree as { getTreeItem(element: string): vscode.TreeItem | Thenable<vscode.TreeItem> };
  const getTreeItem = tree.getTreeItem.bind(tree);
  tree.getTreeItem = (element) => {
    counts.treeItems++;
    return getTreeItem(element);
  };
  return { counts, reset: () => Object.assign(counts, { events: 0, rootEvents: 0, elements: 0, treeItems: 0 }) };
}

/** The jobs journal in this workspace's storage folder, found under the run's user data. */
function journalFile(): string | undefined {
  const storage = path.join(config.userData, 'User', 'workspaceStorage');
  for (const folder of fs.existsSync(storage) ? fs.readdirSync(storage) : []) {
    const file = path.join(storage, folder, 'image-jobs.image-jobs', 'jobs.jsonl');
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

/**
 * What the store writes for the changes one submission makes (record, provider id, first state):
 * the bytes appended to the journal over the lines appended. A compaction in between shrinks the
 * file; that submission is skipped and the next one measured.
 */
async function bytesPerChange(submit: () => Promise<void>): Promise<{ bytes: number; changes: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const file = journalFile();
    if (!file) throw new Error('no jobs journal in the workspace storage folder');
    const before = fs.statSync(file).size;
    await submit();
    const after = fs.statSync(file).size;
    if (after < before) continue;
    const appended = Buffer.alloc(after - before);
    const handle = fs.openSync(file, 'r');
    fs.readSync(handle, appended, 0, appended.length, before);
    fs.closeSync(handle);
    const changes = appended
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim()).length;
    return { bytes: appended.length, changes };
  }
  throw new Error('the journal was compacted during every measured submission');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function run(): Promise<void> {
  if (!config.dir) throw new Error('IMAGE_JOBS_BENCH_DIR is not set: run this through `npm run bench:vscode`');
  const api = await activateExtension();
  await vscode.commands.executeCommand('imageJobs.jobs.focus');
  const tree = countTree(api);
  const profiler = config.profile ? new CpuProfiler() : undefined;
  const profiles: string[] = [];
  // the runner measures this process with no job yet, once activation has settled: what VS Code and
  // the idle extension cost
  await sleep(10_000);
  announce(config.dir, 'ready', { pid: process.pid });
  await waitForGo(config.dir, 'ready');

  const latenciesMs: number[] = [];
  const bytes: BenchResult['bytesPerChange'] = [];
  const submitOne = async () => {
    const index = latenciesMs.length + 1;
    const started = performance.now();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: `bench job ${index}: a lighthouse at dusk` });
    latenciesMs.push(performance.now() - started);
    if (!api.getJob(id)?.remoteId) throw new Error(`job ${index} was not submitted: ${api.getJob(id)?.error?.message ?? 'no record'}`);
  };
  while (latenciesMs.length < config.jobs) {
    const next = latenciesMs.length + 1;
    if (next === 100 || next === config.jobs) bytes.push({ at: next, ...(await bytesPerChange(submitOne)) });
    else if (profiler && next === config.jobs - 50) {
      await profiler.start();
      for (let i = 0; i < 25; i++) await submitOne();
      const file = path.join(config.dir, 'submissions.cpuprofile');
      await profiler.stop(file);
      profiles.push(file);
    } else await submitOne();
    if (latenciesMs.length % 100 === 0) announce(config.dir, 'progress', { submitted: latenciesMs.length });
  }

  // every job waits now; the runner measures this process's CPU (two windows) while the driver only sleeps
  await sleep(5000);
  tree.reset();
  const windowStart = performance.now();
  announce(config.dir, 'waiting', { pid: process.pid });
  await waitForGo(config.dir, 'waiting');
  const seconds = (performance.now() - windowStart) / 1000;
  const treeCounts = { ...tree.counts, seconds };
  if (profiler) {
    await profiler.start();
    await sleep(20_000);
    const file = path.join(config.dir, 'waiting.cpuprofile');
    await profiler.stop(file);
    profiles.push(file);
  }

  // the sweep: one Generate over every selected prompt file, as from the explorer
  const folder = vscode.Uri.joinPath(workspaceRoot(), config.batchFolder);
  const files = (await vscode.workspace.fs.readDirectory(folder))
    .filter(([name]) => name.endsWith('.prompt'))
    .map(([name]) => vscode.Uri.joinPath(folder, name));
  await profiler?.start();
  const started = performance.now();
  const ids = await vscode.commands.executeCommand<string[]>('imageJobs.generate', files[0], files);
  const batchMs = performance.now() - started;
  if (profiler) {
    const file = path.join(config.dir, 'batch.cpuprofile');
    await profiler.stop(file);
    profiles.push(file);
  }
  // durable: in the journal on disk, with the provider's id, when the command returns
  const onDisk = replay(fs.readFileSync(journalFile()!, 'utf8')).jobs;
  const recorded = ids.filter((id) => onDisk.get(id)?.remoteId).length;
  profiler?.dispose();

  const result: BenchResult = {
    jobs: config.jobs,
    latenciesMs,
    bytesPerChange: bytes,
    tree: treeCounts,
    batch: { files: files.length, ms: batchMs, recorded },
    profiles,
  };
  fs.writeFileSync(path.join(config.dir, 'result.json'), JSON.stringify(result));
}
