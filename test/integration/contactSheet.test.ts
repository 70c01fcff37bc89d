// "Save contact sheet" in a real VS Code: a sweep's files on disk (written as the result saver writes
// them), the gallery's index reads them, and the contact sheet lands beside them with its sidecar,
// never over an earlier one.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PNG } from 'pngjs';
import { readPngText } from '../../src/core/results/png';
import { sweepJobRecords, writeSweepFiles, type SweepSpec } from '../fixtures/sweepFiles';
import { activateExtension, closeAllEditors, workspaceRoot } from './support';

const FOLDER = 'assets/generated/contact-sheet-test';
const SPEC: SweepSpec = {
  batchId: 'contact-sheet-test',
  prompt: 'a kite over the dunes',
  axes: [
    { key: 'steps', values: [10, 20, 30] },
    { key: 'cfgScale', values: [5, 9] },
  ],
  size: 48,
  missing: ['1,1'],
};

describe('Save contact sheet', () => {
  const dir = path.join(workspaceRoot().fsPath, ...FOLDER.split('/'));
  after(async () => {
    await closeAllEditors();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes the grid as one PNG beside the images, with its parameters and a sidecar of every cell, and never overwrites', async () => {
    const api = await activateExtension();
    writeSweepFiles(dir, SPEC, sweepJobRecords(SPEC, workspaceRoot().toString(), FOLDER));
    // one cell's sidecar as older versions wrote it: its source an absolute URI
    const older = path.join(dir, 'contact-sheet-test-0-0.json');
    const promptUri = vscode.Uri.joinPath(workspaceRoot(), 'prompts', 'sweep.prompt').toString();
    fs.writeFileSync(older, JSON.stringify({ ...JSON.parse(fs.readFileSync(older, 'utf8')), source: promptUri }));
    await vscode.commands.executeCommand('imageJobs.openGallery');
    const end = Date.now() + 15_000;
    while (api.gallery.listed().filter((listed) => listed.startsWith(FOLDER)).length < 5) {
      if (Date.now() > end) throw new Error(`the gallery never listed the sweep: ${api.gallery.listed().join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const first = await api.contactSheets.write({ batchId: SPEC.batchId, rows: 0, columns: 1, page: [0, 0] });
    assert.equal(path.dirname(first.image.fsPath), dir, 'beside the images');
    const png = Buffer.from(await vscode.workspace.fs.readFile(first.image));
    const decoded = PNG.sync.read(png);
    assert.ok(decoded.width > 2 * 192 && decoded.height > 3 * 192, `a 3 × 2 grid of 192-pixel cells: ${decoded.width}×${decoded.height}`);
    const parameters = readPngText(png).parameters ?? '';
    assert.match(parameters, /^a kite over the dunes\n/);
    assert.match(parameters, /X Type: cfgScale, X Values: "5, 9", Y Type: steps, Y Values: "10, 20, 30"/);

    const sidecar = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(first.sidecar)));
    assert.equal(sidecar.kind, 'contact-sheet');
    assert.equal(sidecar.file, path.basename(first.image.fsPath));
    assert.deepEqual(
      sidecar.cells.map((cell: { label: string; status: string }) => `${cell.label}: ${cell.status}`),
      [
        'steps 10 · cfgScale 5: image',
        'steps 10 · cfgScale 9: image',
        'steps 20 · cfgScale 5: image',
        'steps 20 · cfgScale 9: no image',
        'steps 30 · cfgScale 5: image',
        'steps 30 · cfgScale 9: image',
      ],
    );
    const cell = sidecar.cells[2].images[0];
    assert.equal(cell.file, 'contact-sheet-test-1-0.png');
    assert.deepEqual(
      cell.provenance,
      JSON.parse(fs.readFileSync(path.join(dir, 'contact-sheet-test-1-0.json'), 'utf8')),
      'the whole provenance',
    );
    assert.equal(cell.provenance.source, 'prompts/sweep.prompt', 'relative to the workspace folder');
    assert.equal(sidecar.cells[0].images[0].provenance.source, 'prompts/sweep.prompt', "an older sidecar's URI made relative");
    const written = fs.readFileSync(first.sidecar.fsPath, 'utf8');
    assert.ok(!written.includes('file:') && !written.includes(workspaceRoot().fsPath), "no machine path in the sheet's sidecar");

    const second = await api.contactSheets.write({ batchId: SPEC.batchId, rows: 1, columns: 0, page: [0, 0] });
    assert.notEqual(second.image.toString(), first.image.toString());
    assert.ok(fs.existsSync(first.image.fsPath) && fs.existsSync(second.image.fsPath), 'both sheets are kept');
    assert.equal(JSON.parse(fs.readFileSync(second.sidecar.fsPath, 'utf8')).rows, 'cfgScale');

    await assert.rejects(api.contactSheets.write({ batchId: 'no-such-batch', rows: 0, page: [] }), /no image in the gallery/);
  });
});
