// Every command runs through one wrapper: a failure reaches the log and the user with a next step,
// an argument the command cannot use is refused by its parser and rejects for the script that sent it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBatchCancel, parseInsertAsset, parseJobId, parseJobRetry, parseKeyArgs } from '../../src/commands/commandArgs';
import { ArgumentError, command, UntrustedWorkspaceError, type CommandPorts } from '../../src/commands/commandRunner';
import { ProviderError } from '../../src/core/errors';

function ports(pick?: string) {
  const logged: string[] = [];
  const shown: { message: string; actions: readonly string[] }[] = [];
  const executed: string[] = [];
  const value: CommandPorts = {
    log: { error: (message) => logged.push(message), redact: (text) => text.replaceAll('s3cret-key', '[REDACTED]') },
    showError: async (message, actions) => {
      shown.push({ message, actions });
      return pick;
    },
    execute: async (id) => executed.push(id),
  };
  return { value, logged, shown, executed };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

test('a command that throws reaches the log and the user, with "Show Log"; it resolves instead of rejecting', async () => {
  const io = ports('Show Log');
  const broken = command({ id: 'imageJobs.test.broken', run: () => Promise.reject(new Error('the disk is full')) });
  assert.equal(await broken.invoke([], io.value), undefined);
  await settle();
  assert.equal(io.logged.length, 1);
  assert.match(io.logged[0]!, /^\[command\] imageJobs\.test\.broken failed: the disk is full/);
  assert.deepEqual(io.shown, [{ message: 'the disk is full', actions: ['Show Log'] }]);
  assert.deepEqual(io.executed, ['imageJobs.showLog'], 'the action the user picked runs');
});

test('a rejected key offers "Set API Key" before "Show Log"', async () => {
  const io = ports('Set API Key');
  const rejected = command({
    id: 'imageJobs.test.auth',
    run: () => {
      throw new ProviderError('auth', 'Serika: HTTP 401, the API key was rejected');
    },
  });
  await rejected.invoke([], io.value);
  await settle();
  assert.deepEqual(io.shown[0]!.actions, ['Set API Key', 'Show Log']);
  assert.deepEqual(io.executed, ['imageJobs.setApiKey']);
});

test('an argument the parser refuses is logged, shown, and rejects; run is never called', async () => {
  const io = ports();
  let ran = false;
  const cancel = command({
    id: 'imageJobs.job.cancel',
    parse: parseJobId,
    run: () => {
      ran = true;
    },
  });
  await assert.rejects(
    cancel.invoke([{ jobId: 42 }], io.value),
    (error: Error) => error instanceof ArgumentError && /Expected a job id or \{ jobId \}/.test(error.message),
  );
  assert.equal(ran, false);
  assert.equal(io.logged.length, 1);
  assert.equal(io.shown.length, 1);
});

test('the parsers accept what menus, the gallery and scripts send, and nothing else', () => {
  assert.equal(parseJobId(['abc']), 'abc');
  assert.equal(parseJobId([{ jobId: 'abc' }]), 'abc');
  for (const bad of [undefined, '', 7, {}, { jobId: 1 }, null]) assert.throws(() => parseJobId([bad]), ArgumentError);
  assert.deepEqual(parseInsertAsset([{ jobId: 'j', index: 2 }]), { jobId: 'j', index: 2 });
  assert.throws(() => parseInsertAsset([{ jobId: 'j', index: -1 }]), ArgumentError);
  assert.equal(parseKeyArgs([]), undefined);
  assert.deepEqual(parseKeyArgs(['serika']), { provider: 'serika' });
  assert.deepEqual(parseKeyArgs([{ provider: 'tams', key: 'k' }]), { provider: 'tams', key: 'k' });
  assert.deepEqual(parseKeyArgs([{ provider: 'tams', reason: 'why' }]), { provider: 'tams', key: undefined, reason: 'why' });
  assert.throws(() => parseKeyArgs([{ provider: 3 }]), ArgumentError);
});

test("Retry takes a job id (asks when the job may be at its provider) or a script's { jobId, confirmed }, as Cancel Batch takes { batchId, confirmed }", () => {
  assert.deepEqual(parseJobRetry(['abc']), { jobId: 'abc' });
  assert.deepEqual(parseJobRetry([{ jobId: 'abc' }]), { jobId: 'abc' });
  assert.deepEqual(parseJobRetry([{ jobId: 'abc', confirmed: true }]), { jobId: 'abc', confirmed: true });
  assert.deepEqual(parseJobRetry([{ jobId: 'abc', confirmed: false }]), { jobId: 'abc', confirmed: false });
  for (const bad of [undefined, '', { confirmed: true }, { jobId: 'abc', confirmed: 'yes' }, { jobId: 'abc', confirmed: 1 }])
    assert.throws(() => parseJobRetry([bad]), /^ArgumentError: Expected a job id or \{ jobId(, confirmed\?)? \}/);
  assert.deepEqual(parseBatchCancel(['batch:b1']), { batchId: 'b1' });
  assert.deepEqual(parseBatchCancel([{ batchId: 'b1', confirmed: true }]), { batchId: 'b1', confirmed: true });
  assert.throws(() => parseBatchCancel([{ batchId: 'b1', confirmed: 'yes' }]), /Expected a batch row or \{ batchId, confirmed\? \}/);
});

test('a key a provider echoed in its error is not shown to the user', async () => {
  const io = ports();
  const echoed = command({
    id: 'imageJobs.test.echo',
    run: () => Promise.reject(new ProviderError('auth', 'Serika: HTTP 403: Key s3cret-key has no access to this model', { status: 403 })),
  });
  await echoed.invoke([], io.value);
  await settle();
  assert.equal(io.shown.length, 1);
  assert.ok(!io.shown[0]!.message.includes('s3cret-key'), io.shown[0]!.message);
  assert.match(io.shown[0]!.message, /Key \[REDACTED\] has no access/);
});

test('what an untrusted workspace may not do offers "Manage Workspace Trust" before "Show Log"', async () => {
  const io = ports('Manage Workspace Trust');
  const refused = command({
    id: 'imageJobs.test.untrusted',
    run: () =>
      Promise.reject(new UntrustedWorkspaceError('This workspace is not trusted, so its images can only be upscaled on the Sandbox')),
  });
  await refused.invoke([], io.value);
  await settle();
  assert.deepEqual(io.shown[0]!.actions, ['Manage Workspace Trust', 'Show Log']);
  assert.deepEqual(io.executed, ['workbench.trust.manage']);
});
