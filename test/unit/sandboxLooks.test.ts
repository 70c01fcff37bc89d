// The Sandbox draws every setting a sweep may vary, so a sweep's cells visibly differ offline: the
// same request gives the same bytes, and each setting moves the picture by a visible amount.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { renderSandboxImage, renderSandboxPixels, type RenderSpec } from '../../src/core/sandbox/renderer';
import { SandboxServer } from '../../src/core/sandbox/server';
import { sandboxProvider } from '../../src/core/providers/sandbox';
import { HttpClient } from '../../src/core/http';

const base: RenderSpec = { prompt: 'a valley at dawn', seed: 5, width: 96, height: 64 };

/** Mean absolute difference per channel, 0–255. */
function difference(a: RenderSpec, b: RenderSpec): number {
  const [x, y] = [renderSandboxPixels(a), renderSandboxPixels(b)];
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
}

/** Enough to see at a glance in a grid of thumbnails (about 2% of the range on average, everywhere). */
const VISIBLE = 5;

test('each setting a sweep varies changes the picture visibly; the same settings give the same bytes', () => {
  for (const [name, values] of [
    ['cfgScale', [5, 7, 9]],
    ['steps', [10, 25, 50]],
    ['sampler', ['Euler a', 'DPM++ 2M Karras', 'DDIM']],
    ['negativePrompt', ['blurry', 'fog']],
    ['seed', [1, 2]],
  ] as const) {
    for (let i = 1; i < values.length; i++) {
      const [a, b] = [
        { ...base, [name]: values[i - 1] },
        { ...base, [name]: values[i] },
      ];
      const moved = difference(a, b);
      assert.ok(moved > VISIBLE, `${name} ${values[i - 1]} → ${values[i]}: ${moved.toFixed(1)}`);
      assert.ok(renderSandboxImage(a).equals(renderSandboxImage({ ...a })), `${name} ${values[i - 1]} renders the same twice`);
    }
  }
  // unset settings draw the picture as it always was: CFG 7 and no steps are the neutral look
  assert.ok(renderSandboxImage(base).equals(renderSandboxImage({ ...base, cfgScale: 7 })));
});

const http = new HttpClient();
const server = new SandboxServer({ jobDurationMs: () => 10 });
after(() => server.stop());

test('the Sandbox server renders with what the request sets, and refuses values out of range', async () => {
  const context = { http, baseUrl: await server.start() };
  const params = { width: 96, height: 64, seed: 5, cfgScale: 9, steps: 12, sampler: 'DDIM', negativePrompt: 'fog' };
  const { remoteId } = await sandboxProvider.submit(
    { providerId: 'sandbox', model: 'landscape', prompt: base.prompt, params },
    'look-1',
    context,
  );
  const done = await waitForDone(remoteId, context);
  const file = await http.download(done, { maxBytes: 1e7 });
  const { width, height, seed, ...look } = params;
  assert.ok(file.bytes.equals(renderSandboxImage({ ...base, width, height, seed, ...look })));
  await assert.rejects(
    sandboxProvider.submit({ providerId: 'sandbox', model: 'landscape', prompt: 'x', params: { cfgScale: 80 } }, 'look-2', context),
    /cfg_scale must be a number from 0 to 50/,
  );
});

async function waitForDone(remoteId: string, context: { http: HttpClient; baseUrl: string }): Promise<string> {
  for (;;) {
    const state = await sandboxProvider.poll(remoteId, context);
    if (state.status === 'succeeded' && state.outputs[0]?.kind === 'url') return state.outputs[0].url;
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
}
