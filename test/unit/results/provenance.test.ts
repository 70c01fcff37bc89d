// What a sidecar says about where its prompt came from: a workspace-relative path, never a machine's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  a1111Parameters,
  buildProvenance,
  normalizedSource,
  provenanceSource,
  relativeSourcePath,
} from '../../../src/core/results/provenance';
import type { JobSource } from '../../../src/core/jobModel';
import { jobRecord } from '../../fixtures/sampleJobs';

const ROOT = 'file:///home/ada/work/site';

function sidecarOf(source: JobSource, root = ROOT) {
  const job = jobRecord({
    idempotencyKey: 'k',
    request: { providerId: 'sandbox', model: 'landscape', prompt: 'a paper boat', params: { steps: 20 } },
    source,
    output: { root, folder: 'assets/generated', nameTemplate: '{{name}}', baseName: 'boat' },
    status: 'succeeded',
  });
  return buildProvenance(job, { seed: 7, width: 64, height: 64, index: 0 }, 5000);
}

describe('provenance source', () => {
  it('records a prompt file by its path relative to the workspace folder, and the machine path nowhere', () => {
    const provenance = sidecarOf({ kind: 'promptFile', uri: `${ROOT}/prompts/hello.prompt` });
    assert.equal(provenance.source, 'prompts/hello.prompt');
    const written = JSON.stringify(provenance) + a1111Parameters(provenance);
    assert.ok(!written.includes('file:'), written);
    assert.ok(!written.includes('/home/ada'), written);
  });

  it('decodes the path as the file system spells it', () => {
    assert.equal(relativeSourcePath(`${ROOT}/my%20prompts/caf%C3%A9.prompt`, ROOT), 'my prompts/café.prompt');
    assert.equal(relativeSourcePath(`${ROOT}/hello.prompt`, `${ROOT}/`), 'hello.prompt', 'a root ending in a slash');
    assert.equal(relativeSourcePath(`${ROOT}/100%.prompt`, ROOT), '100%.prompt', 'a malformed escape is kept');
  });

  it('names a file outside the folder, or an untitled one, by its file name alone', () => {
    assert.equal(relativeSourcePath('file:///home/ada/elsewhere/hello.prompt', ROOT), 'hello.prompt');
    assert.equal(relativeSourcePath(`${ROOT}-old/hello.prompt`, ROOT), 'hello.prompt', 'a sibling folder sharing a prefix is outside');
    assert.equal(relativeSourcePath('untitled:Untitled-1', ROOT), 'Untitled-1');
    assert.equal(relativeSourcePath('untitled:/prompt-1.prompt', ROOT), 'prompt-1.prompt');
    assert.equal(relativeSourcePath(`${ROOT}/hello.prompt`, ''), 'hello.prompt', 'no folder at all');
    // no folder open: results go to the extension's storage, which holds no prompt file
    assert.equal(
      sidecarOf({ kind: 'promptFile', uri: 'file:///tmp/x/hello.prompt' }, 'file:///home/ada/.vscode/storage/results').source,
      'hello.prompt',
    );
  });

  it('records any other source by its kind, with no URI', () => {
    assert.equal(provenanceSource({ kind: 'selection', uri: `${ROOT}/README.md` }, ROOT), 'selection');
    assert.equal(sidecarOf({ kind: 'input' }).source, 'input');
    assert.equal(sidecarOf({ kind: 'agent' }).source, 'agent');
  });

  it("makes an older sidecar's absolute URI relative when it is copied, and keeps new ones as written", () => {
    const folders = (uri: string) => (uri.startsWith(`${ROOT}/`) ? ROOT : undefined);
    assert.equal(normalizedSource(`${ROOT}/prompts/hello.prompt`, folders), 'prompts/hello.prompt');
    assert.equal(normalizedSource('file:///moved/away/hello.prompt', folders), 'hello.prompt');
    assert.equal(normalizedSource('vscode-remote://ssh-remote%2Bbox/home/ada/work/site/a.prompt', folders), 'a.prompt');
    for (const kept of ['prompts/hello.prompt', 'selection', 'input', undefined, 3]) assert.equal(normalizedSource(kept, folders), kept);
  });
});
