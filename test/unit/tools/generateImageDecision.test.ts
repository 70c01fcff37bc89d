// Whether an agent's imageJobs_generate call runs: its input, then the workspace's trust, then the
// provider's setup, each refusal worded for the agent, with no job recorded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProviderId } from '../../../src/core/jobModel';
import { decideGeneration, type GenerationContext } from '../../../src/tools/generateImageDecision';

function context(change: Partial<GenerationContext<string>> = {}): GenerationContext<string> & { asked: ProviderId[] } {
  const asked: ProviderId[] = [];
  return {
    asked,
    hasFolder: true,
    trusted: true,
    resolveTarget: (written) => (written.startsWith('..') ? { problem: 'targetDocument must be inside the workspace' } : `/ws/${written}`),
    defaultsFor: () => ({
      providerId: 'sandbox',
      modelFor: (id) => (id === 'serika' ? 'flux-schnell' : undefined),
      outputFolder: 'assets/generated',
      nameTemplate: '{{name}}-{{seed}}',
      outputRoot: 'file:///ws',
    }),
    folderLabel: (_root, folder) => `${folder}/`,
    missingSetup: async (providerId) => {
      asked.push(providerId);
      return providerId === 'serika' ? { kind: 'apiKey', message: 'No API key for Serika. Run "Image Jobs: Set API Key".' } : undefined;
    },
    ...change,
  };
}

describe('deciding an imageJobs_generate call', () => {
  it('runs on the Sandbox with a summary for the confirmation, and keeps the resolved target document', async () => {
    const decision = await decideGeneration(
      { prompt: 'A lighthouse', size: '256x192', count: 2, targetDocument: 'docs/page.md' },
      context(),
    );
    assert.equal(decision.kind, 'run');
    assert.deepEqual(decision.kind === 'run' && decision.summary, {
      providerName: 'Sandbox (offline)',
      model: 'sandbox/landscape',
      count: 2,
      width: 256,
      height: 192,
      outputFolder: 'assets/generated/',
      prompt: 'A lighthouse',
    });
    assert.equal(decision.kind === 'run' && decision.target, '/ws/docs/page.md');
  });

  it('refuses bad input before looking at anything else', async () => {
    const window = context();
    const decision = await decideGeneration({ prompt: 'x', model: 'serika/flux-schnell', count: 0 }, window);
    assert.equal(decision.kind === 'refuse' && decision.text.split('\n')[1], '- count: at least 1');
    assert.deepEqual(window.asked, [], 'no key was looked up');
    const outside = await decideGeneration({ prompt: 'x', targetDocument: '../elsewhere.md' }, context());
    assert.match(outside.kind === 'refuse' ? outside.text : '', /- targetDocument must be inside the workspace/);
  });

  it('in restricted mode, only the Sandbox: another provider is refused before its key is looked up', async () => {
    const window = context({ trusted: false });
    const refused = await decideGeneration({ prompt: 'x', model: 'serika/flux-schnell' }, window);
    assert.match(refused.kind === 'refuse' ? refused.text : '', /not trusted \(restricted mode\).*not Serika/);
    assert.deepEqual(window.asked, []);
    assert.equal((await decideGeneration({ prompt: 'x' }, context({ trusted: false }))).kind, 'run');
  });

  it('a provider without its key is refused with the way to set it; no folder open, nothing either', async () => {
    const refused = await decideGeneration({ prompt: 'x', model: 'serika' }, context());
    assert.match(refused.kind === 'refuse' ? refused.text : '', /^Nothing was generated: No API key for Serika\..*Set API Key/);
    const noFolder = await decideGeneration({ prompt: 'x' }, context({ hasFolder: false }));
    assert.match(noFolder.kind === 'refuse' ? noFolder.text : '', /no folder is open/);
  });
});
