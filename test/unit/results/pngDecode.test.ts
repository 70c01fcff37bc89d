import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { encodePngRgb, withPngText } from '../../../src/core/results/png';
import { decodePngRgb, decodePngRgba, MAX_DECODED_PIXELS } from '../../../src/core/results/pngPixels';
import { renderSandboxImage } from '../../../src/core/sandbox/renderer';

const pseudoRandom = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 151 + ((i * i) >> 3)) & 0xff);

/** A PNG of another colour type, written by pngjs's encoder (RGBA pixels in, `colorType` out). */
function pngOf(width: number, height: number, rgba: Uint8Array, colorType: 0 | 2 | 4 | 6): Buffer {
  const png = new PNG({ width, height });
  png.data = Buffer.from(rgba);
  return PNG.sync.write(png, { colorType, inputHasAlpha: true });
}

test('decodes what encodePngRgb writes, text chunks and all', () => {
  const rgb = pseudoRandom(5 * 3 * 3);
  const png = withPngText(encodePngRgb(5, 3, rgb), 'parameters', 'a prompt\nSteps: 20');
  const decoded = decodePngRgb(png);
  assert.equal(decoded.width, 5);
  assert.equal(decoded.height, 3);
  assert.deepEqual([...decoded.rgb], [...rgb]);
  const rendered = renderSandboxImage({ prompt: 'valley', seed: 3, width: 40, height: 30 });
  assert.equal(decodePngRgb(rendered).rgb.length, 40 * 30 * 3);
});

test('reads grey and alpha as RGB, dropping alpha; RGBA keeps it', () => {
  const rgba = Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 0]);
  assert.deepEqual([...decodePngRgb(pngOf(2, 1, rgba, 6)).rgb], [10, 20, 30, 40, 50, 60]);
  assert.deepEqual([...decodePngRgba(pngOf(2, 1, rgba, 6)).data], [...rgba]);
  const grey = Uint8Array.from([7, 7, 7, 255, 200, 200, 200, 255]);
  assert.deepEqual([...decodePngRgb(pngOf(2, 1, grey, 0)).rgb], [7, 7, 7, 200, 200, 200]);
});

test('refuses what it does not read, saying what it was', () => {
  assert.throws(() => decodePngRgb(Buffer.from('GIF89a')), /not a PNG/);
  const huge = encodePngRgb(1, 1, Uint8Array.from([0, 0, 0]));
  huge.writeUInt32BE(MAX_DECODED_PIXELS + 1, 16); // the header claims more pixels than the cap, before any inflating
  assert.throws(() => decodePngRgb(huge), /out of range/);
  const corrupt = encodePngRgb(4, 4, pseudoRandom(48));
  corrupt[corrupt.length - 20] ^= 0xff; // inside the image data: its CRC no longer matches
  assert.throws(() => decodePngRgb(corrupt), /could not be read/);
});
