// A provider answering 429 to a submission, inside VS Code: the job's row, its hover and the progress
// toast say why it waits and until when, then it is sent; a Retry-After beyond a minute ends the job
// at once, its toast offering Retry, and a job made meanwhile is not sent. Runs against the Serika
// loopback server; the long pause it leaves on Serika is why it is the last to send to Serika
// (setupBeforeJobs only checks a missing key, which fails before any wait).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageJobsApi } from '../../src/extension';
import { formatClock, sendWaitOf, type JobRecord } from '../../src/core/jobModel';
import { SerikaServer } from '../fixtures/providers/serikaServer';
import { activateExtension, closeAllEditors, waitForJob, workspaceFile } from './support';

const server = new SerikaServer();
const SUBMIT = /\/jobs\/images$/;
const promptFile = workspaceFile('prompts/rate-limited.prompt');

const rateLimited = (seconds: number) =>
  ({
    kind: 'status',
    status: 429,
    headers: { 'retry-after': String(seconds) },
    body: '{"error":{"message":"Rate limit reached"}}',
  }) as const;

const submits = () => server.requests.filter((request) => request.method === 'POST' && SUBMIT.test(request.path));

/** The first job, not among `known`, for which `check` holds, once one does. */
function newJob(api: ImageJobsApi, known: ReadonlySet<string>, check: (job: JobRecord) => boolean, timeoutMs = 10_000): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const job = api.listJobs().find((candidate) => !known.has(candidate.id) && check(candidate));
      if (!job) return;
      done();
      resolve(job);
    };
    const subscription = api.onDidChangeJob(look);
    const timer = setTimeout(() => {
      done();
      reject(new Error('no such job'));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
    look();
  });
}

/** Resolves once `check` holds, looking every 50 ms. */
async function eventually(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Replaces a `vscode.window` function for the test's length (the extension's API object is this suite's). */
function replaceWindowFunction<K extends 'withProgress' | 'showErrorMessage'>(name: K, replacement: (typeof vscode.window)[K]): () => void {
  const window = vscode.window as Record<K, unknown>;
  const original = window[name];
  window[name] = replacement;
  return () => (window[name] = original);
}

describe('Rate limits inside VS Code, against the Serika loopback server', () => {
  const restore: (() => void)[] = [];

  before(async () => {
    await activateExtension();
    await server.start();
    await vscode.workspace.getConfiguration('imageJobs').update('serika.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: server.apiKey });
    await vscode.workspace.fs.writeFile(
      promptFile,
      Buffer.from('---\nmodel: serika/flux-schnell\nconfig:\n  width: 64\n  height: 64\n---\nA lighthouse, rate limited\n'),
    );
  });

  afterEach(() => restore.splice(0).forEach((undo) => undo()));

  after(async () => {
    await vscode.workspace.getConfiguration('imageJobs').update('serika.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
    await vscode.workspace.fs.delete(promptFile);
    await server.stop();
    await closeAllEditors();
  });

  it('a 429 with a short Retry-After: the row, its hover and the progress toast say why and until when; then it is sent', async () => {
    const api = await activateExtension();
    const reports: string[] = [];
    const withProgress = vscode.window.withProgress;
    restore.push(
      replaceWindowFunction('withProgress', (options, task) =>
        withProgress(options, (progress, token) =>
          task(
            {
              report: (value) => {
                if (value.message) reports.push(value.message);
                progress.report(value);
              },
            },
            token,
          ),
        ),
      ),
    );
    const known = new Set(api.listJobs().map((job) => job.id));
    server.inject('POST', SUBMIT, rateLimited(3));
    const generating = vscode.commands.executeCommand<string>('imageJobs.generate', promptFile);
    const waiting = await newJob(api, known, (job) => sendWaitOf(job) !== undefined);
    const text = `Rate limited by Serika: sending again at ${formatClock(sendWaitOf(waiting)!.until)}`;
    const row = api.jobsTree.getTreeItem(waiting.id) as vscode.TreeItem;
    assert.match(String(row.label), /^rate limited · 0:0\d$/);
    assert.equal(row.description, `${text} · A lighthouse, rate limited`);
    const hovered = await api.jobsTree.resolveTreeItem!(row, waiting.id, new vscode.CancellationTokenSource().token);
    assert.ok((hovered!.tooltip as vscode.MarkdownString).value.includes(`$(warning) ${text}`));
    await eventually(
      () => reports.some((message) => message.endsWith(`: ${text}`)),
      2000,
      `the progress toast to say why (it said: ${reports.join(' | ')})`,
    );
    // then it is sent, once the Retry-After has passed
    const id = await generating;
    assert.equal(id, waiting.id);
    const job = await waitForJob(api, id, ['succeeded', 'failed']);
    assert.equal(job.status, 'succeeded', job.error?.message);
    const [refused, sent] = submits().slice(-2);
    assert.ok(sent!.at - refused!.at >= 2990, `sent ${sent!.at - refused!.at} ms after the 429`);
  });

  it('a Retry-After beyond a minute ends the job at once, its toast offering Retry; a job made meanwhile is not sent', async () => {
    const api = await activateExtension();
    const toasts: { message: string; items: string[] }[] = [];
    restore.push(
      replaceWindowFunction('showErrorMessage', ((message: string, ...items: string[]) => {
        toasts.push({ message, items });
        return Promise.resolve(undefined);
      }) as unknown as typeof vscode.window.showErrorMessage),
    );
    server.inject('POST', SUBMIT, rateLimited(600));
    const started = Date.now();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', promptFile);
    const job = api.getJob(id)!;
    assert.ok(Date.now() - started < 5000, `ended at once (${Date.now() - started} ms)`);
    assert.equal(job.status, 'failed');
    const until = formatClock(submits().pop()!.at + 600_000);
    assert.match(job.error!.message, new RegExp(`^Rate limited by Serika until ${until}: it refused this job \\(HTTP 429\\)`));
    assert.match(job.error!.message, new RegExp(`Nothing was recorded at Serika: Retry from ${until}, when Serika takes jobs again\\.$`));
    await eventually(() => toasts.length > 0, 5000, 'the failure toast');
    const toast = toasts[0]!;
    assert.match(toast.message, /Rate limited by Serika until/);
    assert.deepEqual(toast.items, ['Retry', 'Show Log']);
    const row = api.jobsTree.getTreeItem(id) as vscode.TreeItem;
    assert.match(
      row.accessibilityInformation!.label,
      /^failed · 0:0\d: Rate limited by Serika until .+ when Serika takes jobs again, A lighthouse, rate limited, serika\/flux-schnell$/,
    );
    // Serika's Retry-After is about the account: a job made now is not sent, and says so at once
    const count = submits().length;
    const later = await vscode.commands.executeCommand<string>('imageJobs.generate', promptFile);
    assert.equal(api.getJob(later)!.status, 'failed');
    assert.match(
      api.getJob(later)!.error!.message,
      /This job was not sent, so nothing was recorded at Serika: Retry from .+, when Serika takes jobs again\./,
    );
    assert.equal(submits().length, count, 'nothing reached Serika');
  });
});
