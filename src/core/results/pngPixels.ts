// PNG pixels, decoded by pngjs (every colour type, bit depth and interlacing; CRCs checked): for the
// Sandbox's upscaler and the contact sheet. Apart from png.ts, which the activation bundle uses for
// sizes and text chunks only, so the decoder loads with the engine.
import { PNG } from 'pngjs';
import { isPng, pngSize } from './png';

/** Pixels a decoded PNG may have: what the Sandbox upscales (2048² at most) times four, with room. */
export const MAX_DECODED_PIXELS = 4096 * 4096;

/** RGBA pixels, 8 bits a sample. Throws a plain account of what it cannot read. */
export function decodePngRgba(bytes: Uint8Array): { width: number; height: number; data: Uint8Array } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isPng(buffer)) throw new Error('not a PNG file');
  // the header's size, checked before inflating: a small file must not become gigabytes of pixels
  const size = pngSize(buffer);
  if (!size || size.width === 0 || size.height === 0 || size.width * size.height > MAX_DECODED_PIXELS)
    throw new Error(`PNG size ${size ? `${size.width}×${size.height}` : 'unknown'} is out of range`);
  try {
    const png = PNG.sync.read(buffer);
    return { width: png.width, height: png.height, data: png.data };
  } catch (error) {
    throw new Error(`PNG could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** RGB pixels (alpha dropped), as the Sandbox's upscaler works on them. */
export function decodePngRgb(bytes: Uint8Array): { width: number; height: number; rgb: Uint8Array } {
  const { width, height, data } = decodePngRgba(bytes);
  const rgb = new Uint8Array(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel++) rgb.set(data.subarray(pixel * 4, pixel * 4 + 3), pixel * 3);
  return { width, height, rgb };
}
