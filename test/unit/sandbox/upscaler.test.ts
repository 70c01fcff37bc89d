import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePngRgb } from '../../../src/core/results/png';
import { decodePngRgb } from '../../../src/core/results/pngPixels';
import { renderSandboxImage } from '../../../src/core/sandbox/renderer';
import { upscalePng } from '../../../src/core/sandbox/upscaler';

test('doubles each side, the same bytes every time', () => {
  const source = renderSandboxImage({ prompt: 'a harbour', seed: 11, width: 48, height: 32 });
  const upscaled = upscalePng(source);
  const decoded = decodePngRgb(upscaled);
  assert.equal(decoded.width, 96);
  assert.equal(decoded.height, 64);
  assert.ok(upscaled.equals(upscalePng(source)));
  assert.ok(!upscaled.equals(upscalePng(renderSandboxImage({ prompt: 'a harbour', seed: 12, width: 48, height: 32 }))));
});

test('keeps flat colour flat and blends between pixels (bilinear)', () => {
  const flat = decodePngRgb(upscalePng(encodePngRgb(1, 1, Uint8Array.from([9, 99, 199]))));
  assert.deepEqual([...flat.rgb], [9, 99, 199, 9, 99, 199, 9, 99, 199, 9, 99, 199]);
  // black | white: the outer halves keep their colour, the inner ones sit a quarter of the way across
  const edge = decodePngRgb(upscalePng(encodePngRgb(2, 1, Uint8Array.from([0, 0, 0, 255, 255, 255]))));
  assert.deepEqual(
    Array.from({ length: 4 }, (_, x) => edge.rgb[x * 3]),
    [0, 64, 191, 255],
  );
});

test('refuses a result over 4096 pixels a side', () => {
  const wide = encodePngRgb(2049, 1, new Uint8Array(2049 * 3));
  assert.throws(() => upscalePng(wide), /exceed 4096/);
});
