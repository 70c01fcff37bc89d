// Renders the Sandbox provider's images: a layered landscape whose palette, sun and hills come from
// a hash of the prompt (and negative prompt) and the seed, so the same request always gives the same
// PNG bytes. The other settings change the picture the way they change a real one, visibly enough
// for a sweep's cells to be told apart: CFG scale its saturation and contrast (7 as drawn), steps
// its smoothness (few steps band the gradients), the sampler its palette's hue.
import { encodePngRgb } from '../results/png';
import { seededRandom as random } from '../seededRandom';

export interface RenderSpec {
  readonly prompt: string;
  readonly seed: number;
  readonly width: number;
  readonly height: number;
  readonly negativePrompt?: string;
  readonly cfgScale?: number;
  readonly steps?: number;
  readonly sampler?: string;
}

/** The CFG scale drawn as is; lower washes the picture out, higher makes it vivid and hard. */
const NEUTRAL_CFG = 7;
/** What an unfinished picture (few steps) fades towards. */
const HAZE_GREY = 150;
/** The sampler turns the palette by up to this many degrees either way. */
const SAMPLER_HUE_DEGREES = 40;

/** FNV-1a over UTF-16 code units: stable across platforms. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

type Rgb = [number, number, number];

function hsl(h: number, s: number, l: number): Rgb {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [f(0), f(8), f(4)];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

interface Hill {
  readonly base: number;
  readonly waves: readonly { amplitude: number; frequency: number; phase: number }[];
  readonly colour: Rgb;
}

export function renderSandboxImage(spec: RenderSpec): Buffer {
  return encodePngRgb(spec.width, spec.height, renderSandboxPixels(spec));
}

/** The picture as RGB bytes, row by row. */
export function renderSandboxPixels(spec: RenderSpec): Uint8Array {
  const { width, height } = spec;
  const text = spec.negativePrompt ? `${spec.prompt}\n${spec.negativePrompt}` : spec.prompt;
  const next = random(hashString(text) ^ Math.imul(spec.seed >>> 0, 0x9e3779b1));
  const samplerTurn = spec.sampler ? ((hashString(spec.sampler) % 1000) / 1000 - 0.5) * 2 * SAMPLER_HUE_DEGREES : 0;
  const hue = (next() * 360 + samplerTurn + 360) % 360;
  const night = next() < 0.3;
  const skyTop = night ? hsl(hue, 0.55, 0.12) : hsl(hue, 0.65, 0.55);
  const skyBottom = night ? hsl((hue + 40) % 360, 0.5, 0.3) : hsl((hue + 50) % 360, 0.85, 0.8);
  const sun = { x: 0.2 + next() * 0.6, y: 0.18 + next() * 0.3, r: 0.06 + next() * 0.07 };
  const sunColour = night ? hsl(55, 0.3, 0.92) : hsl((hue + 30) % 360, 0.95, 0.93);
  const hillCount = 3 + Math.floor(next() * 3);
  const hills: Hill[] = Array.from({ length: hillCount }, (_, i) => ({
    base: 0.5 + (i / hillCount) * 0.4 + next() * 0.05,
    waves: Array.from({ length: 3 }, (_, w) => ({
      amplitude: (0.05 / (w + 1)) * (0.6 + next()),
      frequency: (w + 1) * (1.5 + next() * 3),
      phase: next() * Math.PI * 2,
    })),
    colour: hsl((hue + 180 + i * 12) % 360, 0.45, (night ? 0.08 : 0.22) + (1 - i / hillCount) * 0.3),
  }));
  const stars = night ? Array.from({ length: 60 }, () => [next(), next() * 0.6] as const) : [];

  const pixels = new Uint8Array(width * height * 3);
  const horizons = hills.map((hill) =>
    Float64Array.from({ length: width }, (_, x) => {
      const u = x / width;
      return hill.base - hill.waves.reduce((sum, w) => sum + w.amplitude * Math.sin(u * w.frequency * Math.PI + w.phase), 0);
    }),
  );
  const aspect = width / height;
  for (let y = 0; y < height; y++) {
    const v = y / height;
    const sky = mix(skyTop, skyBottom, v);
    for (let x = 0; x < width; x++) {
      const u = x / width;
      let colour: Rgb = sky;
      const dx = (u - sun.x) * aspect;
      const dy = v - sun.y;
      const distance = Math.sqrt(dx * dx + dy * dy);
      if (distance < sun.r) colour = sunColour;
      else if (distance < sun.r * 2.2) colour = mix(sunColour, sky, (distance - sun.r) / (sun.r * 1.2));
      for (let i = 0; i < hills.length; i++) {
        if (v >= horizons[i]![x]!) colour = mix(hills[i]!.colour, sky, Math.max(0, 0.25 - (v - horizons[i]![x]!)) * 0.6);
      }
      const offset = (y * width + x) * 3;
      pixels[offset] = colour[0];
      pixels[offset + 1] = colour[1];
      pixels[offset + 2] = colour[2];
    }
  }
  for (const [sx, sy] of stars) {
    const x = Math.floor(sx * width);
    const y = Math.floor(sy * height);
    if (isSky(horizons, x, y / height)) pixels.fill(235, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  applyGuidanceAndSteps(pixels, spec.cfgScale, spec.steps);
  return pixels;
}

/**
 * CFG scale → saturation and contrast around the drawn picture (none at 7). Steps → an unfinished
 * look that clears as they grow: a grey haze (gone by about 100 steps) and fewer levels per channel,
 * so few steps show as bands in the sky. Unset steps draw the finished picture.
 */
function applyGuidanceAndSteps(pixels: Uint8Array, cfgScale: number | undefined, steps: number | undefined): void {
  const guidance = (cfgScale ?? NEUTRAL_CFG) / NEUTRAL_CFG;
  const saturation = Math.min(2.2, Math.max(0.1, guidance ** 0.9));
  const contrast = Math.min(1.6, Math.max(0.55, 0.65 + 0.35 * guidance));
  const haze = steps === undefined ? 0 : 0.6 * Math.exp(-steps / 25);
  const levels = steps === undefined ? 256 : Math.min(256, Math.max(3, Math.round(steps)));
  if (saturation === 1 && contrast === 1 && haze === 0 && levels === 256) return;
  const bucket = 255 / (levels - 1);
  for (let offset = 0; offset < pixels.length; offset += 3) {
    const [r, g, b] = [pixels[offset]!, pixels[offset + 1]!, pixels[offset + 2]!];
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    for (let channel = 0; channel < 3; channel++) {
      const saturated = luma + (pixels[offset + channel]! - luma) * saturation;
      const contrasted = (saturated - 128) * contrast + 128;
      const hazed = contrasted + (HAZE_GREY - contrasted) * haze;
      const clamped = Math.min(255, Math.max(0, hazed));
      pixels[offset + channel] = levels === 256 ? clamped : Math.round(clamped / bucket) * bucket;
    }
  }
}

function isSky(horizons: readonly Float64Array[], x: number, v: number): boolean {
  return horizons.every((line) => v < line[x]!);
}
