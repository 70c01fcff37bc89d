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
import { activateExtension, closeAllEditors, filesContaining, readWorkspaceFile, waitForJob, workspaceFile } from './support';

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
    // a screen reader hears the reason's closing punctuation once, not `Set API Key"., A lighthouse`
    const row = api.jobsTree.getTreeItem(id) as vscode.TreeItem;
    assert.match(row.accessibilityInformation!.label, /Run "Image Jobs: Set API Key", A lighthouse at dusk, serika\/flux-schnell$/);
    const serika = setups.find((setup) => setup.provider === 'serika')!.server;
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: serika.apiKey });
    const retried = await vscode.commands.executeCommand<string>('imageJobs.job.retry', id);
    assert.equal((await waitForJob(api, retried, ['succeeded', 'failed'])).status, 'succeeded');
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
