import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { encodePngRgb, pngSize } from '../../src/core/results/png';
import { activateExtension, closeAllEditors, waitForJob, workspaceFile } from './support';

/** Waits until the gallery panel lists `path`. */
async function waitForListing(list: () => readonly string[], path: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!list().includes(path)) {
    if (Date.now() > end) throw new Error(`the gallery never listed ${path}; it lists ${list().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('Upscale from the gallery', () => {
  const created: vscode.Uri[] = [];
  const jobs: string[] = [];
  after(async () => {
    await closeAllEditors();
    for (const uri of created) await vscode.workspace.fs.delete(uri, { useTrash: false }).then(undefined, () => undefined);
    for (const id of jobs) await vscode.commands.executeCommand('imageJobs.job.remove', id);
  });

  it('upscales a Sandbox image ×2 as an ordinary job, saved beside it, its sidecar linking the source', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('imageJobs.openGallery');
    const sourceId = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'a lighthouse to upscale' });
    jobs.push(sourceId);
    const source = await waitForJob(api, sourceId, ['succeeded']);
    const sourcePath = source.assets[0]!.path;
    created.push(workspaceFile(sourcePath), workspaceFile(source.assets[0]!.sidecarPath));
    await waitForListing(() => api.gallery.listed(), sourcePath);

    // the command the gallery's "Upscale" runs, named by the file as the gallery names it
    const id = await vscode.commands.executeCommand<string>('imageJobs.gallery.upscale', { uri: workspaceFile(sourcePath).toString() });
    assert.ok(id, 'a job id');
    jobs.push(id);
    const listed = api.listJobs().find((job) => job.id === id);
    assert.ok(listed, 'the upscale is a job like any other (the Jobs view lists it)');
    assert.equal(listed.request.providerId, 'sandbox');
    assert.equal(listed.request.operation?.kind, 'upscale');
    const job = await waitForJob(api, id, ['succeeded']);
    const stem = sourcePath.slice(0, -'.png'.length);
    assert.equal(job.assets[0]!.path, `${stem}-upscaled-2x.png`, 'saved beside its source, its path relative to the workspace folder');
    created.push(workspaceFile(job.assets[0]!.path), workspaceFile(job.assets[0]!.sidecarPath));

    const before = pngSize(Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(sourcePath))))!;
    const after = pngSize(Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(job.assets[0]!.path))))!;
    assert.deepEqual(after, { width: before.width * 2, height: before.height * 2 });
    const sidecar = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(job.assets[0]!.sidecarPath))).toString('utf8'));
    assert.equal(sidecar.derivedFrom.operation, 'upscale');
    assert.equal(sidecar.derivedFrom.file, sourcePath.slice(sourcePath.lastIndexOf('/') + 1));
    assert.match(sidecar.derivedFrom.sha256, /^[0-9a-f]{64}$/);
    assert.equal(sidecar.prompt, 'a lighthouse to upscale');
    await waitForListing(() => api.gallery.listed(), job.assets[0]!.path);

    // the upscale upscaled: named ×4 over the first image, not "-upscaled-2x-upscaled"; its sidecar names its own source
    const againId = await vscode.commands.executeCommand<string>('imageJobs.gallery.upscale', { path: job.assets[0]!.path });
    jobs.push(againId);
    const again = await waitForJob(api, againId, ['succeeded']);
    created.push(workspaceFile(again.assets[0]!.path), workspaceFile(again.assets[0]!.sidecarPath));
    assert.equal(again.assets[0]!.path, `${stem}-upscaled-4x.png`);
    const againSidecar = JSON.parse(
      Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(again.assets[0]!.sidecarPath))).toString('utf8'),
    );
    assert.equal(againSidecar.derivedFrom.file, job.assets[0]!.path.slice(job.assets[0]!.path.lastIndexOf('/') + 1));
  });

  it('refuses an image no documented provider can upscale, and makes no job', async () => {
    const api = await activateExtension();
    const image = workspaceFile('assets/generated/from-serika.png');
    const sidecar = workspaceFile('assets/generated/from-serika.json');
    created.push(image, sidecar);
    await vscode.workspace.fs.writeFile(image, encodePngRgb(1, 1, new Uint8Array([10, 20, 30])));
    const body = {
      generator: 'image-jobs',
      file: 'from-serika.png',
      prompt: 'p',
      model: 'serika/flux',
      provider: 'serika',
      completedAt: new Date().toISOString(),
    };
    await vscode.workspace.fs.writeFile(sidecar, Buffer.from(JSON.stringify(body)));
    // a panel opened afresh scans the workspace (the file watcher may be slow to report new files)
    await closeAllEditors();
    await vscode.commands.executeCommand('imageJobs.openGallery');
    await waitForListing(() => api.gallery.listed(), 'assets/generated/from-serika.png');
    const count = api.listJobs().length;
    const result = await vscode.commands.executeCommand('imageJobs.gallery.upscale', { path: 'assets/generated/from-serika.png' });
    assert.equal(result, undefined);
    assert.equal(api.listJobs().length, count, 'no job');
  });
});
