import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { encodePngRgb, isPng, pngSize, readPngText, withPngText } from '../../../src/core/results/png';

function pixels(width: number, height: number): Uint8Array {
  return Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 7) % 256);
}

test('encodes RGB pixels into a PNG whose IDAT inflates back to the scanlines', () => {
  const rgb = pixels(3, 2);
  const png = encodePngRgb(3, 2, rgb);
  assert.ok(isPng(png));
  assert.deepEqual(pngSize(png), { width: 3, height: 2 });
  const idatAt = png.indexOf('IDAT');
  const length = png.readUInt32BE(idatAt - 4);
  const raw = inflateSync(png.subarray(idatAt + 4, idatAt + 4 + length));
  assert.equal(raw.length, (3 * 3 + 1) * 2);
  assert.deepEqual([...raw.subarray(1, 10)], [...rgb.subarray(0, 9)]);
  assert.equal(png.subarray(-12, -8).readUInt32BE(0), 0, 'IEND is empty');
});

test('withPngText adds, replaces and reads text; non-Latin-1 goes to iTXt', () => {
  const png = encodePngRgb(2, 2, pixels(2, 2));
  const once = withPngText(png, 'parameters', 'a cat\nSteps: 20');
  assert.deepEqual(readPngText(once), { parameters: 'a cat\nSteps: 20' });
  const twice = withPngText(once, 'parameters', 'un chat — 猫');
  assert.deepEqual(readPngText(twice), { parameters: 'un chat — 猫' });
  assert.ok(twice.includes(Buffer.from('iTXt')));
  assert.deepEqual(pngSize(twice), { width: 2, height: 2 });
});

test('withPngText refuses non-PNG input', () => {
  assert.throws(() => withPngText(Buffer.from('GIF89a'), 'k', 'v'), /not a PNG/);
});
