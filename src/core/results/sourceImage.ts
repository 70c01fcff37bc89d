// An image a job starts from (an upscale picked in the gallery): which images a provider can take,
// the request and output target such a job has, and the check that the file is still the one picked.
import { createHash } from 'node:crypto';
import { describeError, ProviderError } from '../errors';
import type { GenerationRequest, OutputTarget, ProviderId, SourceImage } from '../jobModel';
import { decodedSegment } from './uriSegments';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** What the gallery knows of an image, enough to say whether and how it can be upscaled. */
export interface UpscaleCandidate {
  readonly imageUri: string;
  readonly prompt: string;
  readonly model: string;
  readonly provider?: string;
  readonly remoteAssetId?: string;
}

/**
 * The provider that upscales an image, where its document shows how: PhotoGPT by the image id it gave
 * (POST /images/upscaling {imageID}), the Sandbox by the PNG itself (POST /v1/upscale). TAMS and
 * Bifrost are absent: their documents show no way to send them the image (README, "Not supported").
 */
export function upscaleProvider(image: UpscaleCandidate): ProviderId | undefined {
  if (image.provider === 'photogpt' && image.remoteAssetId) return 'photogpt';
  if (image.provider === 'sandbox' && /\.png$/i.test(image.imageUri)) return 'sandbox';
  return undefined;
}

/**
 * How much each provider enlarges an image, where its document says: the Sandbox ×2 (its upscaler's
 * SANDBOX_UPSCALE_FACTOR, checked against it by the unit tests; not imported, which would bring its
 * PNG codec into the activation bundle). PhotoGPT's document gives no factor.
 */
const UPSCALE_FACTORS: Partial<Record<ProviderId, number>> = { sandbox: 2 };

/**
 * The suffix an upscale adds to its source's name: `-upscaled-4x` (×4 over the first image, every
 * factor known), `-upscaled` / `-upscaled-twice` / `-upscaled-3-times` (passes of a factor its
 * provider does not say), then perhaps `-2`, the number a name already taken gets.
 */
const UPSCALED_SUFFIX = /-upscaled(?:-(\d+)x|-(twice)|-(\d+)-times)?(?:-\d+)?$/;

/**
 * The name (without extension) of an upscale of the image named `stem`: the first image's name and
 * one suffix saying how far it is from it, never a suffix per pass (`boat-upscaled-2x` upscaled ×2
 * is `boat-upscaled-4x`, not `boat-upscaled-2x-upscaled`). A name already taken is numbered when
 * the file is saved (resultSaver: never over an earlier one); the sidecar's `derivedFrom` names the
 * source itself, whatever the name says.
 */
export function upscaledBaseName(stem: string, factor?: number): string {
  const match = UPSCALED_SUFFIX.exec(stem);
  const original = match ? stem.slice(0, match.index) : stem;
  // what the source's own name says: ×N over the first image, or some passes of an unknown factor
  const knownFactor = !match ? 1 : match[1] ? Number(match[1]) : undefined;
  if (factor && knownFactor) return `${original}-upscaled-${knownFactor * factor}x`;
  const passes = (!match ? 0 : match[2] ? 2 : match[3] ? Number(match[3]) : 1) + 1;
  return `${original}-upscaled${passes === 1 ? '' : passes === 2 ? '-twice' : `-${passes}-times`}`;
}

/** The file name at the end of a URI, as the file system spells it. */
export function fileNameOf(uri: string): string {
  return decodedSegment(uri.slice(uri.lastIndexOf('/') + 1));
}

/**
 * The upscale job of a gallery image: the same prompt and model (the picture is the same), no
 * settings (neither provider takes any), saved beside the source as `<name>-upscaled-2x` (see
 * upscaledBaseName). `root` is the
 * folder results are saved under (the workspace folder), when the source is inside it: asset paths are
 * then relative to it, as every other job's are.
 */
export function upscaleJob(image: UpscaleCandidate, sha256: string, root?: string): { request: GenerationRequest; output: OutputTarget } {
  const providerId = upscaleProvider(image);
  if (!providerId)
    throw new ProviderError(
      'unsupported',
      `${fileNameOf(image.imageUri)} cannot be upscaled: only Sandbox PNGs and PhotoGPT images with their image id can.`,
    );
  const file = fileNameOf(image.imageUri);
  const source: SourceImage = { uri: image.imageUri, file, sha256, ...(image.remoteAssetId ? { remoteAssetId: image.remoteAssetId } : {}) };
  const slash = image.model.indexOf('/');
  return {
    request: {
      providerId,
      // PhotoGPT's upscaling is not model-scoped; the Sandbox's request rules want one of its models
      model: providerId === 'photogpt' ? '' : slash >= 0 ? image.model.slice(slash + 1) : image.model,
      prompt: image.prompt,
      params: {},
      operation: { kind: 'upscale', ...(providerId === 'photogpt' ? { imageId: image.remoteAssetId } : {}), source },
    },
    output: {
      ...outputFolder(image.imageUri, root),
      nameTemplate: '{{name}}',
      baseName: upscaledBaseName(file.replace(/\.[^.]+$/, ''), UPSCALE_FACTORS[providerId]),
    },
  };
}

/** The source's folder, as `root` + a relative folder when it lies under `root`, else as the root itself. */
function outputFolder(imageUri: string, root: string | undefined): { root: string; folder: string } {
  const folderUri = imageUri.slice(0, imageUri.lastIndexOf('/'));
  const base = root?.replace(/\/+$/, '');
  if (base && folderUri.startsWith(`${base}/`)) {
    const folder = folderUri
      .slice(base.length + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
    return { root: base, folder };
  }
  return { root: folderUri, folder: '' };
}

/** The bytes of a job's source image, refused when the file changed since the job was made. */
export async function readSourceImage(source: SourceImage, read: ((uri: string) => Promise<Uint8Array>) | undefined): Promise<Uint8Array> {
  if (!read) throw new ProviderError('unsupported', 'This window cannot read source images.');
  let bytes: Uint8Array;
  try {
    bytes = await read(source.uri);
  } catch (error) {
    throw new ProviderError('badRequest', `The source image ${source.file} could not be read (moved or deleted?): ${describeError(error)}`);
  }
  if (sha256Hex(bytes) !== source.sha256) {
    throw new ProviderError(
      'badRequest',
      `The source image ${source.file} changed since the upscale was asked for: upscale it again from the gallery.`,
    );
  }
  return bytes;
}
