import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { decodePngRgb, encodePngRgb, withPngText } from '../../../src/core/results/png';
import { renderSandboxImage } from '../../../src/core/sandbox/renderer';

/** A PNG written here with the row filter the test picks (encodePngRgb only writes filter 0). */
function pngWith(
  width: number,
  height: number,
  channels: number,
  colourType: number,
  samples: Uint8Array,
  filter: (y: number) => number,
): Buffer {
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  const at = (x: number, y: number) => (x < 0 || y < 0 ? 0 : samples[y * stride + x]!);
  for (let y = 0; y < height; y++) {
    const type = filter(y);
    raw[y * (stride + 1)] = type;
    for (let x = 0; x < stride; x++) {
      const a = at(x - channels, y);
      const b = at(x, y - 1);
      const c = at(x - channels, y - 1);
      const p = a + b - c;
      const paeth =
        Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][type]!;
      raw[y * (stride + 1) + 1 + x] = (at(x, y) - predictor) & 0xff;
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    out.write(type, 4, 'latin1');
    data.copy(out, 8);
    return out; // the reader does not check CRCs
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = colourType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const pseudoRandom = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 151 + ((i * i) >> 3)) & 0xff);

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

test('undoes each of the five row filters', () => {
  const rgb = pseudoRandom(7 * 5 * 3);
  const png = pngWith(7, 5, 3, 2, rgb, (y) => y % 5);
  assert.deepEqual([...decodePngRgb(png).rgb], [...rgb]);
});

test('reads grey and alpha as RGB, dropping alpha', () => {
  const rgba = Uint8Array.from([10, 20, 30, 255, 40, 50, 60, 0]);
  assert.deepEqual([...decodePngRgb(pngWith(2, 1, 4, 6, rgba, () => 4)).rgb], [10, 20, 30, 40, 50, 60]);
  const grey = Uint8Array.from([7, 200]);
  assert.deepEqual([...decodePngRgb(pngWith(2, 1, 1, 0, grey, () => 1)).rgb], [7, 7, 7, 200, 200, 200]);
});

test('refuses what it does not read, saying what it was', () => {
  assert.throws(() => decodePngRgb(Buffer.from('GIF89a')), /not a PNG/);
  assert.throws(() => decodePngRgb(pngWith(1, 1, 1, 3, Uint8Array.from([0]), () => 0)), /colour type 3/);
  const truncated = encodePngRgb(4, 4, pseudoRandom(48));
  truncated.writeUInt32BE(5, 20); // IHDR says 5 rows, the data holds 4
  assert.throws(() => decodePngRgb(truncated), /truncated|out of range|unexpected end/i);
});
