import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProviderId } from '../../src/core/jobModel';
import { isPng } from '../../src/core/results/png';
import { BifrostServer } from '../fixtures/providers/bifrostServer';
import type { FakeProviderServer } from '../fixtures/providers/fakeServer';
import { PhotoGptServer } from '../fixtures/providers/photoGptServer';
import { SerikaServer } from '../fixtures/providers/serikaServer';
import { SubModelServer } from '../fixtures/providers/subModelServer';
import { TamsServer } from '../fixtures/providers/tamsServer';
import {
  activateExtension,
  answering,
  answeringMessages,
  clicking,
  closeAllEditors,
  filesContaining,
  messagesOf,
  readWorkspaceFile,
  until,
  waitForJob,
  workspaceFile,
  type Asked,
} from './support';

interface Setup {
  readonly provider: ProviderId;
  readonly server: FakeProviderServer;
  readonly settings: (server: FakeProviderServer) => Record<string, unknown>;
  readonly prompt: string;
}

const setups: Setup[] = [
  {
    provider: 'serika',
    server: new SerikaServer(),
    settings: (s) => ({ baseUrl: (s as SerikaServer).baseUrl }),
    prompt: 'model: serika/flux-schnell\nconfig:\n  width: 64\n  height: 64\n  seed: 5',
  },
  {
    provider: 'tams',
    server: new TamsServer(),
    settings: (s) => ({ baseUrl: s.url }),
    prompt: 'model: tams/600423083519508503\nconfig:\n  width: 512\n  height: 512\n  steps: 20\n  count: 2\n  seed: 5',
  },
  {
    provider: 'bifrost',
    server: new BifrostServer(),
    settings: (s) => ({ baseUrl: s.url, resultTtlSeconds: 600 }),
    prompt: 'model: bifrost/openai/dall-e-3\nconfig:\n  width: 1024\n  height: 1024\n  seed: 5',
  },
  {
    provider: 'photogpt',
    server: new PhotoGptServer(),
    settings: (s) => ({ baseUrl: (s as PhotoGptServer).baseUrl }),
    prompt: 'model: photogpt/model-abc\nconfig:\n  width: 64\n  height: 64\n  seed: 5',
  },
  {
    provider: 'submodel',
    // /v2: the base path SubModel's rate-limit section names (the examples use the default /v1/sl)
    server: new SubModelServer('/v2'),
    settings: (s) => ({ baseUrl: s.url, endpointId: (s as SubModelServer).endpointId, basePath: '/v2' }),
    prompt: 'model: submodel/sdxl-turbo\nconfig:\n  width: 64\n  height: 64\n  seed: 5',
  },
];

const serverOf = <P extends ProviderId>(provider: P) =>
  setups.find((setup) => setup.provider === provider)!.server as P extends 'serika' ? SerikaServer : FakeProviderServer;

async function configure(provider: ProviderId, values: Record<string, unknown>): Promise<void> {
  const settings = vscode.workspace.getConfiguration('imageJobs');
  for (const [key, value] of Object.entries(values))
    await settings.update(`${provider}.${key}`, value, vscode.ConfigurationTarget.Workspace);
}

async function writePrompt(name: string, frontMatter: string, body = 'A lighthouse at dusk'): Promise<vscode.Uri> {
  const uri = workspaceFile(`prompts/${name}.prompt`);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(`---\n${frontMatter}\n---\n${body}\n`));
  return uri;
}

describe('Providers inside VS Code, against their loopback servers', () => {
  before(async () => {
    await activateExtension();
    for (const setup of setups) {
      await setup.server.start();
      await configure(setup.provider, setup.settings(setup.server));
      await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: setup.provider, key: setup.server.apiKey });
    }
  });

  after(async () => {
    for (const setup of setups) {
      await configure(setup.provider, Object.fromEntries(Object.keys(setup.settings(setup.server)).map((key) => [key, undefined])));
      await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: setup.provider });
      await setup.server.stop();
    }
    await closeAllEditors();
  });

  for (const setup of setups) {
    it(`${setup.provider}: a .prompt file runs end to end and its images are saved`, async () => {
      const api = await activateExtension();
      const uri = await writePrompt(setup.provider, setup.prompt);
      const id = await vscode.commands.executeCommand<string>('imageJobs.generate', uri);
      assert.ok(id, 'a job id');
      const job = await waitForJob(api, id, ['succeeded', 'failed', 'expired']);
      assert.equal(job.status, 'succeeded', job.error?.message);
      assert.equal(job.request.providerId, setup.provider);
      assert.ok(job.assets.length >= 1);
      for (const asset of job.assets) assert.ok(isPng(Buffer.from(await readWorkspaceFile(asset.path))), `${asset.path} is a PNG`);
      assert.ok(setup.server.requests.length > 1, 'the requests went to the loopback server');
    });
  }

  it('TAMS shows credits in the jobs view', async () => {
    const api = await activateExtension();
    const tamsJob = api.listJobs().find((job) => job.request.providerId === 'tams' && job.status === 'succeeded')!;
    assert.equal(tamsJob.credits, 1);
    const item = await api.jobsTree.getTreeItem(tamsJob.id);
    assert.match(String(item.label), /^2 images · 0:0\d · 1 credits$/);
  });

  it('TAMS limits are diagnostics in the .prompt file and nothing is sent', async () => {
    const api = await activateExtension();
    const tams = setups.find((setup) => setup.provider === 'tams')!.server;
    const before = tams.requests.length;
    const jobsBefore = api.listJobs().length;
    const uri = await writePrompt('tams-bad', 'model: tams/600423083519508503\nconfig:\n  width: 500\n  steps: 80');
    assert.equal(await vscode.commands.executeCommand('imageJobs.generate', uri), undefined);
    const messages = vscode.languages.getDiagnostics(uri).map((d) => `${d.range.start.line}: ${d.message}`);
    assert.ok(messages.includes('3: TAMS: width must be a multiple of 64 from 512 to 1536 (got 500)'), messages.join(' | '));
    assert.ok(messages.includes('4: TAMS: steps must be 10–50 (got 80)'), messages.join(' | '));
    assert.equal(tams.requests.length, before);
    assert.equal(api.listJobs().length, jobsBefore);
  });

  it('TAMS: Estimate Credits asks TAMS what a .prompt file would cost, and submits nothing', async () => {
    const api = await activateExtension();
    const tams = setups.find((setup) => setup.provider === 'tams')!.server;
    const jobsBefore = api.listJobs().length;
    const uri = await writePrompt('tams-cost', 'model: tams/600423083519508503\nconfig:\n  width: 768\n  height: 512\n  count: 3');
    const credits = await vscode.commands.executeCommand<number>('imageJobs.tams.estimateCredits', uri);
    // the fixture prices 0.5 credits per image
    assert.equal(credits, 1.5);
    const estimate = tams.requests.filter((request) => request.path === '/v1/jobs/credits').pop()!;
    assert.equal(JSON.parse(estimate.body).stages[0].inputInitialize.count, '3', 'the stages a submission would send');
    assert.equal(api.listJobs().length, jobsBefore, 'no job');
  });

  it('a rejected key fails the job with an actionable message', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: 'sk-wrong-key-123456' });
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', workspaceFile('prompts/serika.prompt'));
    const job = api.getJob(id)!;
    assert.equal(job.status, 'failed');
    assert.match(job.error!.message, /HTTP 401, the API key was rejected: Invalid API key\. Run "Image Jobs: Set API Key"\./);
    // Serika never saw this job: the id copied is this extension's, and the status bar says so
    const copied = await answering(
      () => undefined,
      () => vscode.commands.executeCommand<string>('imageJobs.job.copyId', id),
    );
    assert.equal(copied.result, id);
    assert.deepEqual(copied.shown, [{ kind: 'statusBar', message: `Copied the local job id ${id} (Serika never gave this job an id)` }]);
    // a screen reader hears the reason's closing punctuation once, not `Set API Key"., A lighthouse`
    const row = api.jobsTree.getTreeItem(id) as vscode.TreeItem;
    assert.match(row.accessibilityInformation!.label, /Run "Image Jobs: Set API Key", A lighthouse at dusk, serika\/flux-schnell$/);
    const serika = setups.find((setup) => setup.provider === 'serika')!.server;
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: serika.apiKey });
    const retried = await vscode.commands.executeCommand<string>('imageJobs.job.retry', id);
    assert.equal((await waitForJob(api, retried, ['succeeded', 'failed'])).status, 'succeeded');
  });

  it('a key the provider quotes in its error is kept out of the job, the journal and the log', async () => {
    const api = await activateExtension();
    const serika = setups.find((setup) => setup.provider === 'serika')!.server;
    // no key's shape (sk-…): only the value the extension read from SecretStorage gives it away
    const key = 'echo-me-3f9a2b7c1d';
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key });
    try {
      serika.inject('POST', /\/jobs\/images$/, {
        kind: 'status',
        status: 403,
        body: JSON.stringify({ error: { message: `Key ${key} has no access to this model` } }),
      });
      const uri = await writePrompt('serika-echo', setups.find((setup) => setup.provider === 'serika')!.prompt);
      const id = await vscode.commands.executeCommand<string>('imageJobs.generate', uri);
      const job = await waitForJob(api, id, ['failed', 'succeeded']);
      assert.equal(job.status, 'failed');
      assert.match(job.error!.message, /Key \[REDACTED\] has no access to this model/);
      assert.ok(!JSON.stringify(api.listJobs()).includes(key), 'job records');
      const userData = process.env.IMAGE_JOBS_TEST_USER_DATA;
      if (userData) {
        // code-server runner: the journal, other windows' outcomes and the log files (the secret store itself is excluded)
        assert.deepEqual(
          filesContaining(userData, key).filter((file) => !/secret|state\.vscdb/i.test(file)),
          [],
          'files under the user data folder',
        );
      }
    } finally {
      await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: serika.apiKey });
      await vscode.workspace.fs.delete(workspaceFile('prompts/serika-echo.prompt')).then(undefined, () => undefined);
    }
  });

  it('a key fixed from the failure toast retries the job with it', async () => {
    const api = await activateExtension();
    const serika = serverOf('serika');
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: 'sk-wrong-key-123456' });
    const uri = await writePrompt('serika-key-fixed', setups[0]!.prompt, 'A heron fixed by a new key');
    let failed: string | undefined;
    const { result: retried, shown } = await answering(
      (entry) => {
        // the user clicks Set API Key on the failure toast, and types the right key
        if (entry.kind === 'error' && entry.buttons.includes('Set API Key')) return 'Set API Key';
        if (entry.kind === 'input') return serika.apiKey;
        return undefined;
      },
      async () => {
        // the toast is answered as it shows, so the failed job may be replaced before Generate returns: its
        // failure is read from the toast below
        failed = await vscode.commands.executeCommand<string>('imageJobs.generate', uri);
        // the job that takes its place, submitted with the new key
        const next = await until(
          () => api.listJobs().find((job) => job.request.prompt === 'A heron fixed by a new key' && job.id !== failed),
          'the retried job',
        );
        return waitForJob(api, next.id, ['succeeded', 'failed']);
      },
    );
    const [toast] = messagesOf(shown, 'error');
    assert.match(toast!.message, /^Image job "A heron fixed by a new key" failed: .*HTTP 401, the API key was rejected/);
    assert.ok(toast!.buttons.includes('Set API Key'), toast!.buttons.join(', '));
    assert.equal(retried.status, 'succeeded', retried.error?.message);
    assert.equal(api.getJob(failed!), undefined, 'the retried job replaced the failed one');
    const input = shown.find((entry) => entry.kind === 'input');
    assert.match(
      String(input?.kind === 'input' && input.options.prompt),
      /^Serika refused its API key: enter the right one, and the job is retried with it\. Stored in VS Code SecretStorage/,
    );
  });

  it('Serika has no cancel: Cancel says the job may still run and be billed, with its id one click away', async () => {
    const api = await activateExtension();
    const serika = serverOf('serika');
    serika.durationMs = 60_000;
    try {
      const uri = await writePrompt('serika-cancel', setups[0]!.prompt, 'A job Serika cannot cancel');
      const id = await vscode.commands.executeCommand<string>('imageJobs.generate', uri);
      const remoteId = api.getJob(id)!.remoteId!;
      assert.ok(remoteId, 'submitted');
      // done once the status bar says the id was copied
      const { shown } = await clicking(
        'warning',
        'Copy Job ID',
        () => vscode.commands.executeCommand('imageJobs.job.cancel', id),
        'statusBar',
      );
      const job = api.getJob(id)!;
      assert.deepEqual([job.status, job.cancelledLocally], ['cancelled', true]);
      assert.deepEqual(messagesOf(shown, 'warning'), [
        { message: 'Stopped tracking: Serika has no cancel, so the job may still run there and be billed.', buttons: ['Copy Job ID'] },
      ]);
      assert.equal(await vscode.env.clipboard.readText(), remoteId, "Serika's id, to find the job there");
    } finally {
      serika.durationMs = 300;
    }
  });

  it('a host not found offers the base URL setting on the failure toast', async () => {
    const api = await activateExtension();
    const serika = serverOf('serika');
    await configure('serika', { baseUrl: 'http://serika.invalid/api/openai/v1' });
    try {
      const uri = await writePrompt('serika-no-host', setups[0]!.prompt);
      const { result: id, shown } = await clicking('error', 'Open Settings', () =>
        vscode.commands.executeCommand<string>('imageJobs.generate', uri),
      );
      assert.equal(api.getJob(id)?.error?.code, 'ENOTFOUND');
      const [toast] = messagesOf(shown, 'error');
      assert.match(toast!.message, /host not found: check the base URL/);
      assert.deepEqual(toast!.buttons, ['Open Settings', 'Retry', 'Show Log']);
      await until(() => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Settings', 'the Settings editor');
    } finally {
      await configure('serika', { baseUrl: serika.baseUrl });
    }
  });

  it('serika: a result that expired before its download says so and offers Run Again; Retry submits it anew, not the dead link again', async () => {
    const api = await activateExtension();
    const serika = setups.find((setup) => setup.provider === 'serika')!.server;
    const lifetime = serika.resultTtlMs;
    const uri = await writePrompt('serika-expiring', setups[0]!.prompt, 'A sandcastle before the tide');
    const submits = () => serika.countRequests('POST', /\/jobs\/images$/);
    // the toasts of expired results: the first is closed, the second answered with Run Again once the results stay
    let toasts = 0;
    const answer = ({ message }: Asked) => {
      if (!message.includes('The result file is no longer there')) return undefined;
      if (++toasts < 2) return undefined;
      serika.resultTtlMs = lifetime;
      return 'Run Again';
    };
    serika.resultTtlMs = 1; // the result expires as the job ends, before any download
    try {
      const { result, asked } = await answeringMessages('showErrorMessage', answer, async () => {
        const first = await waitForJob(api, await vscode.commands.executeCommand<string>('imageJobs.generate', uri), [
          'succeeded',
          'failed',
        ]);
        const before = submits();
        const retried = await vscode.commands.executeCommand<string>('imageJobs.job.retry', first.id);
        const second = await waitForJob(api, retried, ['succeeded', 'failed']);
        const submittedByRetry = submits() - before;
        // Run Again in the second toast: a third job, beside the second
        const third = await until(
          () => api.listJobs().find((job) => ![first.id, second.id].includes(job.id) && job.request.prompt === first.request.prompt),
          'the job Run Again made',
          30_000,
        );
        return { first, second, submittedByRetry, third: await waitForJob(api, third.id, ['succeeded', 'failed']) };
      });
      const { first, second, submittedByRetry, third } = result;
      assert.equal(first.status, 'failed');
      const { message } = first.error!;
      assert.match(
        message,
        /^The result file is no longer there \(HTTP 404: expired or unknown file\); it has most likely expired \(Serika does not say how long it keeps results\)\. Run Again sends a new job with the same request, which Serika bills\.$/,
      );
      assert.doesNotMatch(message, /download/i);
      const toast = asked.find((question) => question.message.includes(message))!;
      assert.ok(toast, `a toast told it: ${asked.map((question) => question.message).join(' | ')}`);
      assert.deepEqual(toast.items, ['Run Again', 'Show Log'], 'Run Again, not a Retry of the dead link');
      // Retry (the Jobs view's button) made a new job that replaced the failed one
      assert.notEqual(second.id, first.id);
      assert.equal(api.getJob(first.id), undefined, 'the failed job was replaced');
      assert.equal(submittedByRetry, 1, 'the request was sent again');
      assert.equal(second.status, 'failed', 'its result expired too');
      // Run Again made the image once the results stayed: a new job with the same request, the failed one kept
      assert.equal(third.status, 'succeeded', third.error?.message);
      assert.deepEqual(third.request, second.request);
      assert.ok(api.getJob(second.id), 'Run Again keeps the job it ran again');
      assert.ok(isPng(Buffer.from(await readWorkspaceFile(third.assets[0]!.path))));
    } finally {
      serika.resultTtlMs = lifetime;
    }
  });

  it('SubModel health and purge-queue commands', async () => {
    const subModel = setups.find((setup) => setup.provider === 'submodel')!.server;
    subModel.durationMs = 30_000;
    const api = await activateExtension();
    const queued = await vscode.commands.executeCommand<string>('imageJobs.generate', workspaceFile('prompts/submodel.prompt'));
    const health = await vscode.commands.executeCommand<{ jobs: { inQueue: number; completed: number } }>('imageJobs.submodel.health');
    assert.equal(health.jobs.inQueue, 1);
    assert.ok(health.jobs.completed >= 1);
    const purged = await vscode.commands.executeCommand<{ removed: number }>('imageJobs.submodel.purgeQueue', { confirmed: true });
    assert.equal(purged.removed, 1);
    assert.equal((await waitForJob(api, queued, ['cancelled', 'failed', 'succeeded'])).status, 'cancelled');
    subModel.durationMs = 300;
  });

  it('the keys sent to all five providers appear in no log, job record or workspace file', async () => {
    const api = await activateExtension();
    const keys = [...new Set(setups.map((setup) => setup.server.apiKey))];
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    for (const key of keys) {
      assert.ok(
        setups.some((setup) => setup.server.requests.some((request) => JSON.stringify(request.headers).includes(key))),
        'the key was really sent',
      );
      assert.ok(!JSON.stringify(api.listJobs()).includes(key), 'job records');
      assert.deepEqual(filesContaining(root, key), [], 'workspace files');
      const userData = process.env.IMAGE_JOBS_TEST_USER_DATA;
      if (userData) assert.deepEqual(filesContaining(path.join(userData, 'logs'), key), [], 'logs');
    }
  });

  it('PhotoGPT upscaling from the command', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.photogpt.upscale', { imageId: 'img-42' });
    const job = await waitForJob(api, id, ['succeeded', 'failed']);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.deepEqual(job.request.operation, { kind: 'upscale', imageId: 'img-42' });
    assert.match(job.assets[0]!.path, /upscaled-img-42/);
  });
});
