// What imageJobs_generate tells the user before it runs and the agent after.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobRecord } from '../../../src/core/jobModel';
import {
  confirmationMessages,
  endedWithoutImages,
  escapeMarkdown,
  generatedText,
  invocationMessage,
  nothingGenerated,
  setupMissing,
  stillRunning,
  untrustedWorkspace,
} from '../../../src/tools/generateImageText';
import { jobRecord } from '../helpers';

const summary = {
  providerName: 'Serika',
  model: 'serika/flux-schnell',
  count: 2,
  width: 1024,
  height: 768,
  outputFolder: 'docs/images/',
  prompt: 'A *bold* [link](http://x) lighthouse',
};

const job = (change: Partial<JobRecord> = {}) => jobRecord({ updatedAt: 4_500, finishedAt: 4_500, status: 'succeeded', ...change });

describe('before it runs', () => {
  it('the confirmation names provider, model, count, size and folder, and shows the prompt as text, not Markdown', () => {
    const { title, message } = confirmationMessages(summary);
    assert.equal(title, 'Generate 2 images with Serika?');
    assert.match(message, /\*\*Provider:\*\* Serika/);
    assert.match(message, /\*\*Model:\*\* serika\/flux\\-schnell/);
    assert.match(message, /\*\*Images:\*\* 2, 1024×768/);
    assert.match(message, /\*\*Saved to:\*\* docs\/images\//);
    assert.match(message, /\*\*Prompt:\*\* A \\\*bold\\\* \\\[link\\\]\\\(http:\/\/x\\\) lighthouse/);
    assert.match(message, /Serika may charge for each image/);
    assert.match(confirmationMessages({ ...summary, count: 1, width: undefined }).message, /\*\*Images:\*\* 1, the provider's default/);
  });

  it('the progress message says what is being made', () => {
    assert.equal(invocationMessage({ ...summary, count: 1 }), 'Generating 1 image with Serika (serika/flux-schnell)…');
  });

  it('escapes every Markdown character', () => {
    assert.equal(escapeMarkdown('a_b *c* <d> `e` #1 ~f~ |g| &h'), 'a\\_b \\*c\\* \\<d\\> \\`e\\` \\#1 \\~f\\~ \\|g\\| \\&h');
  });
});

describe('when nothing runs', () => {
  it('bad input lists every problem and asks for a fixed call', () => {
    assert.equal(
      nothingGenerated(['count: at most 10', 'size: width: at least 64']),
      'Nothing was generated: the input has problems.\n- count: at most 10\n- size: width: at least 64\nFix them and call imageJobs_generate again.',
    );
  });

  it('a missing key asks the user for it (never the agent), and offers the Sandbox', () => {
    const text = setupMissing('No API key for Serika. Run "Image Jobs: Set API Key".', 'apiKey');
    assert.match(text, /^Nothing was generated: No API key for Serika/);
    assert.match(text, /Ask the user to run the command "Image Jobs: Set API Key" \(imageJobs\.setApiKey\)/);
    assert.match(text, /model "sandbox\/landscape"/);
    assert.match(setupMissing('No base URL for TensorArt TAMS: set imageJobs.tams.baseUrl.', 'setting'), /Ask the user to set it/);
  });

  it('restricted mode names the provider refused and the way out', () => {
    const text = untrustedWorkspace('Serika');
    assert.match(text, /not trusted \(restricted mode\)/);
    assert.match(text, /not Serika/);
    assert.match(text, /sandbox\/landscape/);
  });
});

describe('after it ran', () => {
  it('lists each image with its workspace-relative path and the reference to insert', () => {
    const text = generatedText(
      job(),
      [
        { path: 'assets/generated/a-1.png', reference: '![A lighthouse](../assets/generated/a-1.png)', width: 256, height: 192, seed: 1 },
        { path: 'assets/generated/a-2.png', reference: '![A lighthouse](../assets/generated/a-2.png)' },
      ],
      'docs/page.md',
      ["PhotoGPT's image generation has no field for negativePrompt; it is not sent"],
    );
    assert.equal(
      text,
      [
        'Generated 2 images with sandbox/landscape in 0:03 (job job-1).',
        '1. assets/generated/a-1.png (256×192, seed 1)',
        '   Reference (relative to docs/page.md): ![A lighthouse](../assets/generated/a-1.png)',
        '2. assets/generated/a-2.png',
        '   Reference (relative to docs/page.md): ![A lighthouse](../assets/generated/a-2.png)',
        "Note: PhotoGPT's image generation has no field for negativePrompt; it is not sent",
        'Each image has a JSON sidecar beside it with its prompt and parameters. Insert the reference where the image belongs.',
      ].join('\n'),
    );
  });

  it('a failure says why and whether calling again can help', () => {
    const failed = (error: JobRecord['error']) => endedWithoutImages(job({ status: 'failed', error }));
    assert.equal(
      failed({ message: 'The Sandbox renders nothing for model "broken"', phase: 'provider', retryable: false }),
      'The image job job-1 failed: The Sandbox renders nothing for model "broken". Nothing was saved. ' +
        'Check the input against this message before calling again; the Image Jobs log has the details.',
    );
    assert.match(failed({ message: 'HTTP 401', phase: 'submit', retryable: false, kind: 'auth' }), /Set API Key/);
    assert.match(
      failed({ message: 'connection refused', phase: 'submit', retryable: true }),
      /Calling imageJobs_generate again may succeed/,
    );
    assert.match(endedWithoutImages(job({ status: 'cancelled' })), /was cancelled/);
  });

  it('a job still running when the wait ends goes on, and the agent is told how to find its images', () => {
    const text = stillRunning(job({ status: 'running' }), 300_000, 'assets/generated/');
    assert.match(text, /still running after 5:00/);
    assert.match(text, /under assets\/generated\//);
    assert.match(text, /imageJobs_listImages/);
  });
});
