// `npm run bench:vscode`: the extension at scale in a real VS Code (code-server + chromium, the
// integration suite's machinery). The driver (test/bench/vscode/driver.ts, in the extension host)
// submits IMAGE_JOBS_BENCH_JOBS (1,000) three-minute Sandbox jobs one by one through
// `imageJobs.generate` with the Jobs view open; this side measures the extension host's CPU from
// /proc while they all wait, takes a screenshot of the view, and prints the figures against the
// targets of issue 13. Everything it starts is stopped, and its run folder removed, at the end.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureTools, freePort, launchBrowser, prepareRun, repo, startCodeServer, testOutput } from './lib/workbench.mjs';

const JOBS = Math.max(100, Number(process.env.IMAGE_JOBS_BENCH_JOBS ?? 1000));
const BATCH = Number(process.env.IMAGE_JOBS_BENCH_BATCH ?? 100);
const CPU_WINDOW_S = Number(process.env.IMAGE_JOBS_BENCH_CPU_SECONDS ?? 30);
const JOB_MS = 3 * 60 * 1000;
const TIMEOUT_MS = 30 * 60 * 1000;
/** Issue 13's targets; a screenful of rows is what the view may re-render each second. */
const TARGETS = { singleMs: 60, batchMs: 1000, cpuShare: 0.02, eventsPerSecond: 1.5, rowsPerSecond: 60, bytesGrowth: 1.5 };

const runDir = join(testOutput, 'bench-vscode');
const reportDir = join(testOutput, 'bench-vscode-report');
const say = (message) => console.log(`[bench:vscode] ${message}`);
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** utime + stime of a process, in seconds (all its threads), from /proc/<pid>/stat. */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ on Linux
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** The share of a core the process used over the next CPU_WINDOW_S seconds. */
async function cpuShare(pid) {
  const before = cpuSeconds(pid);
  await new Promise((resolve) => setTimeout(resolve, CPU_WINDOW_S * 1000));
  const seconds = cpuSeconds(pid) - before;
  return { seconds, window: CPU_WINDOW_S, share: seconds / CPU_WINDOW_S };
}

/** Resolves with the phase file's content once the driver wrote it. */
async function phase(name, deadline) {
  const file = join(reportDir, `phase-${name}.json`);
  let progress = 0;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`the driver never reached phase ${name}`);
    try {
      const { submitted } = JSON.parse(readFileSync(join(reportDir, 'phase-progress.json'), 'utf8'));
      if (submitted !== progress) say(`${(progress = submitted)} jobs submitted (load ${load()})`);
    } catch {
      // none yet, or caught mid-write
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Sweep prompt files (one per seed) and three-minute Sandbox jobs, in the run's workspace. */
function prepareWorkspace(workspace) {
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'imageJobs.sandbox.jobDurationMs': JOB_MS }));
  mkdirSync(join(workspace, 'sweep'), { recursive: true });
  for (let seed = 1; seed <= BATCH; seed++) {
    const name = `seed-${String(seed).padStart(3, '0')}.prompt`;
    writeFileSync(
      join(workspace, 'sweep', name),
      `---\nmodel: sandbox/landscape\nconfig:\n  seed: ${seed}\n---\nA sweep over seeds: dunes\n`,
    );
  }
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const verdict = (ok) => (ok ? 'MET   ' : 'MISSED');

function report(result, cpu, visibleRows) {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const p95 = quantile(sorted, 0.95);
  const total = result.latenciesMs.reduce((sum, ms) => sum + ms, 0) / 1000;
  const { tree } = result;
  const eventsPerSecond = tree.events / tree.seconds;
  const rowsPerSecond = tree.treeItems / tree.seconds;
  const [small, large] = result.bytesPerChange;
  const perChange = (entry) => entry.bytes / Math.max(1, entry.changes);
  const rows = [
    [
      p95 <= TARGETS.singleMs,
      `single submission: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms (${result.jobs} jobs in ${total.toFixed(1)} s)`,
      `p95 ≤ ${TARGETS.singleMs} ms`,
    ],
    [
      result.batch.ms <= TARGETS.batchMs && result.batch.recorded === result.batch.files,
      `batch: ${result.batch.files} prompt files in one Generate: ${result.batch.ms.toFixed(0)} ms, ${result.batch.recorded} on disk with their provider id when it returned`,
      `≤ ${TARGETS.batchMs} ms`,
    ],
    [
      cpu.share <= TARGETS.cpuShare,
      `extension host CPU while ${result.jobs} jobs wait: ${(100 * cpu.share).toFixed(2)}% of a core (${cpu.seconds.toFixed(2)} s over ${cpu.window} s; the ${cpu.settling.window} s before, just after the submissions, ${(100 * cpu.settling.share).toFixed(2)}%; ${(100 * cpu.idle.share).toFixed(2)}% before any job)`,
      `≤ ${100 * TARGETS.cpuShare}%`,
    ],
    [
      eventsPerSecond <= TARGETS.eventsPerSecond && rowsPerSecond <= TARGETS.rowsPerSecond,
      `tree: ${eventsPerSecond.toFixed(2)} change events/s (${tree.rootEvents} whole-tree), ${(tree.elements / Math.max(1, tree.events - tree.rootEvents)).toFixed(1)} rows per event, ${rowsPerSecond.toFixed(1)} rows rendered/s (${visibleRows} rows on screen)`,
      `≤ ${TARGETS.eventsPerSecond} events/s, ≤ ${TARGETS.rowsPerSecond} rows/s`,
    ],
    [
      perChange(large) <= TARGETS.bytesGrowth * perChange(small),
      `persistence: ${perChange(small).toFixed(0)} bytes per change at ${small.at} jobs, ${perChange(large).toFixed(0)} at ${large.at}`,
      `at ${large.at} ≤ ${TARGETS.bytesGrowth}× at ${small.at}`,
    ],
  ];
  console.log('');
  for (const [ok, figure, target] of rows) console.log(`${verdict(ok)}  ${figure}   [target ${target}]`);
  console.log(`load average (1/5/15 min) at the end: ${load()}`);
  return rows.every(([ok]) => ok);
}

rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
const tools = ensureTools();
const workspace = prepareRun({
  tools,
  runDir,
  workspaceSource: join(repo, 'test', 'fixtures', 'workspace'),
  // VS Code's remote port detection lists every process's sockets and reads every process under
  // /proc from the extension host every few seconds (ExtHostTunnelService.findCandidatePorts): on a
  // busy machine that alone is 1-3% of a core, whatever the extension does. Watching terminal output
  // instead, the figure is the extension's (and the rest of VS Code's).
  userSettings: { 'remote.autoForwardPortsSource': 'output' },
});
prepareWorkspace(workspace);
say(`${JOBS} Sandbox jobs of ${JOB_MS / 60000} minutes, then a sweep of ${BATCH}; load ${load()}`);
const server = await startCodeServer({ tools, runDir, workspace, port: await freePort(), smokeTestDriver: true });
let browser;
let ok = false;
/** The run folder (code-server's logs, the extension's storage) stays when asked to, or when the run failed. */
let keep = Boolean(process.env.IMAGE_JOBS_BENCH_KEEP);
const stopAll = async () => {
  await browser?.close().catch(() => undefined);
  server.stop();
  if (keep) say(`run folder kept: ${runDir}`);
  else rmSync(runDir, { recursive: true, force: true, maxRetries: 5 });
};
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stopAll().then(() => process.exit(130)));
try {
  const launched = await launchBrowser();
  browser = launched.browser;
  const { page } = launched;
  const exited = new Promise((done) => page.exposeFunction('codeAutomationExit', (code) => done(code)));
  const remote = (path) => `vscode-remote://127.0.0.1:${new URL(server.url).port}${path}`;
  const extensionEnv = {
    IMAGE_JOBS_BENCH_DIR: reportDir,
    IMAGE_JOBS_BENCH_JOBS: String(JOBS),
    IMAGE_JOBS_BENCH_USER_DATA: join(runDir, 'user-data'),
    IMAGE_JOBS_BENCH_PROFILE: process.env.IMAGE_JOBS_BENCH_PROFILE ?? '',
  };
  const payload = [
    ['extensionDevelopmentPath', remote(repo)],
    ['extensionTestsPath', remote(join(repo, 'out', 'test', 'bench', 'vscode', 'driver.js'))],
    ['extensionEnvironment', JSON.stringify(extensionEnv)],
  ];
  page.on('console', (message) => {
    // the extension's and the driver's errors; VS Code's own (a GitHub sign-in it waits for) are not the bench's
    if (/Error|error:/.test(message.text()) && /image-?jobs|\[bench/i.test(message.text())) say(`console: ${message.text().slice(0, 300)}`);
  });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const deadline = Date.now() + TIMEOUT_MS;
  const ready = await phase('ready', deadline);
  say(`extension active, Jobs view open; measuring the extension host (pid ${ready.pid}) with no job for ${CPU_WINDOW_S} s`);
  const idle = await cpuShare(ready.pid);
  writeFileSync(join(reportDir, 'go-ready'), '');
  const { pid } = await phase('waiting', deadline);
  // The first window after the last submission still pays for the submissions: V8 marks what they
  // allocated, and the newest jobs have their first looks (in one run, 1.75% of a core over its first
  // 20 s, 0.85% and 1.1% over the next two). The target is the window after it, printed beside it.
  say(`every job submitted; measuring the extension host (pid ${pid}) for ${CPU_WINDOW_S} s, then ${CPU_WINDOW_S} s more`);
  const settling = await cpuShare(pid);
  const cpu = { ...(await cpuShare(pid)), idle, settling };
  const screenshot = join(reportDir, 'jobs-view.png');
  await page.screenshot({ path: screenshot });
  const visibleRows = await page.locator('.part.sidebar .monaco-list-row').count();
  // and the end of the list, where "Show more" stands for the older jobs
  const list = await page.locator('.part.sidebar .monaco-list').first().boundingBox();
  await page.mouse.move(list.x + list.width / 2, list.y + list.height / 2);
  for (let step = 0; step < 20; step++) {
    await page.mouse.wheel(0, 1000);
    await page.waitForTimeout(50);
  }
  await page.mouse.move(list.x + list.width + 200, list.y + 20); // off the rows, which show their actions on hover
  await page.waitForTimeout(500);
  const endScreenshot = join(reportDir, 'jobs-view-end.png');
  await page.screenshot({ path: endScreenshot });
  say(`screenshots of the Jobs view: ${screenshot}, ${endScreenshot}`);
  writeFileSync(join(reportDir, 'go-waiting'), '');

  const code = await Promise.race([exited, new Promise((done) => setTimeout(() => done('timeout'), Math.max(0, deadline - Date.now())))]);
  if (code !== 0 && code !== '0') throw new Error(`the driver failed (exit ${code}); see ${runDir} (code-server.log, user-data/logs)`);
  const result = JSON.parse(readFileSync(join(reportDir, 'result.json'), 'utf8'));
  ok = report(result, cpu, visibleRows);
  if (result.profiles.length) {
    const { profileSummary } = await import(join(repo, 'out', 'test', 'bench', 'vscode', 'profiler.js'));
    for (const file of result.profiles) {
      const summary = profileSummary(file);
      console.log(`\n${file}: busy ${summary.busyMs.toFixed(0)} ms of ${summary.seconds.toFixed(1)} s (the profiler's own work left out)`);
      for (const kind of ['self', 'total']) {
        console.log(`  by ${kind} time:`);
        for (const row of summary[kind]) console.log(`    ${row.ms.toFixed(0).padStart(6)} ms  ${row.where}`);
      }
    }
  }
} catch (error) {
  console.error(error);
  keep = true;
} finally {
  await stopAll();
}
process.exit(ok ? 0 : 1);
