// Minimal PNG writer, reader and chunk editor. Written by hand because we need chunk-level control
// (inserting A1111 `parameters` tEXt chunks into PNGs that providers return), which PNG codecs
// on npm do not offer; zlib comes from node.
import { deflateSync } from 'node:zlib';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && Buffer.from(bytes.subarray(0, 8)).equals(SIGNATURE);
}

/** Encodes 8-bit RGB pixels (row-major, 3 bytes a pixel) as a PNG. */
export function encodePngRgb(width: number, height: number, rgb: Uint8Array): Buffer {
  if (rgb.length !== width * height * 3) throw new Error(`expected ${width * height * 3} bytes of RGB, got ${rgb.length}`);
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  return Buffer.concat([SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
}

interface PngChunk {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly data: Buffer;
}

function* chunks(png: Buffer): Generator<PngChunk> {
  let offset = 8;
  while (offset + 12 <= png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > png.length) return;
    yield { type, start: offset, end, data: png.subarray(offset + 8, offset + 8 + length) };
    offset = end;
  }
}

export function pngSize(png: Buffer): { width: number; height: number } | undefined {
  if (!isPng(png) || png.length < 24) return undefined;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** tEXt is Latin-1 only, so non-Latin-1 text goes into an uncompressed iTXt (UTF-8) chunk. */
function textChunk(keyword: string, text: string): Buffer {
  // eslint-disable-next-line no-control-regex -- the whole Latin-1 range is the point
  if (/^[\x00-\xff]*$/.test(text)) return chunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));
  return chunk('iTXt', Buffer.concat([Buffer.from(`${keyword}\0\0\0\0\0`, 'latin1'), Buffer.from(text, 'utf8')]));
}

/** Returns a copy of `png` with `keyword` set to `text` (replacing any existing entry), right after IHDR. */
export function withPngText(png: Buffer, keyword: string, text: string): Buffer {
  if (!isPng(png)) throw new Error('not a PNG file');
  const parts: Buffer[] = [SIGNATURE];
  for (const c of chunks(png)) {
    const isSameText = (c.type === 'tEXt' || c.type === 'iTXt') && c.data.toString('latin1', 0, keyword.length + 1) === `${keyword}\0`;
    if (isSameText) continue;
    parts.push(png.subarray(c.start, c.end));
    if (c.type === 'IHDR') parts.push(textChunk(keyword, text));
  }
  return Buffer.concat(parts);
}

/** Reads all tEXt/iTXt (uncompressed) entries. */
export function readPngText(png: Buffer): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const c of chunks(png)) {
    const separator = c.data.indexOf(0);
    if (separator < 0) continue;
    const keyword = c.data.toString('latin1', 0, separator);
    if (c.type === 'tEXt') entries[keyword] = c.data.toString('latin1', separator + 1);
    if (c.type === 'iTXt' && c.data[separator + 1] === 0) {
      // compression flag, method, then language tag and translated keyword, each NUL-terminated
      const language = c.data.indexOf(0, separator + 3);
      const translated = c.data.indexOf(0, language + 1);
      entries[keyword] = c.data.toString('utf8', translated + 1);
    }
  }
  return entries;
}
