// The Sandbox's upscaler: really enlarges the PNG it is sent (bilinear, integer arithmetic), so an
// upscale from the gallery gives a bigger image of the same picture, the same bytes every time.
import { encodePngRgb } from '../results/png';
import { decodePngRgb } from '../results/pngPixels';

/** The one factor the Sandbox upscales by. */
export const SANDBOX_UPSCALE_FACTOR = 2;
/** The largest side an upscaled image may have. */
export const MAX_UPSCALED_SIDE = 4096;

/** The PNG `png` enlarged `factor` times on each side; throws a plain account of a PNG it cannot read. */
export function upscalePng(png: Buffer, factor = SANDBOX_UPSCALE_FACTOR): Buffer {
  const source = decodePngRgb(png);
  const width = source.width * factor;
  const height = source.height * factor;
  if (width > MAX_UPSCALED_SIDE || height > MAX_UPSCALED_SIDE) {
    throw new Error(`${source.width}×${source.height} upscaled ×${factor} would exceed ${MAX_UPSCALED_SIDE} pixels a side`);
  }
  return encodePngRgb(width, height, bilinear(source, width, height));
}

/** Samples at pixel centres, weights in 1/256ths: no floating point, so every platform gives the same bytes. */
function bilinear(source: { width: number; height: number; rgb: Uint8Array }, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const axis = (to: number, from: number) =>
    Array.from({ length: to }, (_, i) => {
      const at = Math.max(0, Math.floor((((2 * i + 1) * from - to) * 256) / (2 * to)));
      const low = Math.min(from - 1, at >> 8);
      return { low, high: Math.min(from - 1, low + 1), weight: low === from - 1 ? 0 : at & 0xff };
    });
  const xs = axis(width, source.width);
  const ys = axis(height, source.height);
  const { rgb } = source;
  for (let y = 0; y < height; y++) {
    const { low: y0, high: y1, weight: wy } = ys[y]!;
    for (let x = 0; x < width; x++) {
      const { low: x0, high: x1, weight: wx } = xs[x]!;
      for (let c = 0; c < 3; c++) {
        const p = (sx: number, sy: number) => rgb[(sy * source.width + sx) * 3 + c]!;
        const top = p(x0, y0) * (256 - wx) + p(x1, y0) * wx;
        const bottom = p(x0, y1) * (256 - wx) + p(x1, y1) * wx;
        out[(y * width + x) * 3 + c] = (top * (256 - wy) + bottom * wy + 32768) >> 16;
      }
    }
  }
  return out;
}
