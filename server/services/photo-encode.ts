import sharp from 'sharp';
import { refusal } from '../../shared/refusal.js';
import { MAX_PHOTO_BYTES } from '../../shared/responder.js';

const MB = Math.round(MAX_PHOTO_BYTES / (1024 * 1024));

/** The words of a photo over the size limit (the upload's guard, before reading it all, and the service). */
export const PHOTO_TOO_LARGE = refusal(`照片超过 ${MB} MB 上限：请降低分辨率后重拍`, `the photo is larger than the ${MB} MB limit: take it again at a lower resolution`);
/** The words of an image too large to decode (more pixels than a phone's camera makes: a decompression bomb). */
export const TOO_MANY_PIXELS = refusal('照片像素过多（超过 5000 万像素）：请降低分辨率后重拍', 'the photo has too many pixels (over 50 megapixels): take it again at a lower resolution');
/** The words of an upload that is not a JPEG, PNG or WebP image (by its type, or by its bytes). */
export const NOT_AN_IMAGE = refusal('上传的不是图片（仅支持 JPEG、PNG、WebP 照片）', 'the upload is not an image (JPEG, PNG or WebP photos only)');

/** The longest side of a stored photo, in pixels. */
export const PHOTO_MAX_SIDE = 1600;
/** JPEG quality of a stored photo. */
export const PHOTO_QUALITY = 80;
/** The most pixels an upload may decode to (a 48 MP phone photo fits; a decompression bomb does not). */
const MAX_INPUT_PIXELS = 50_000_000;
/** Formats accepted, as sharp sniffs them from the bytes (the Content-Type header is not trusted). */
const FORMATS = new Set(['jpeg', 'png', 'webp']);
/** Re-encodes at once; more wait (sharp runs on libuv's thread pool, which gzip and the file system share). */
const AT_ONCE = 2;

/** A re-encoded photo: JPEG bytes and their size. */
export interface EncodedPhoto {
  data: Buffer;
  width: number;
  height: number;
}

let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * A phone photo re-encoded for storage, off the event loop (sharp's work runs on libuv's threads):
 * the bytes sniffed (JPEG, PNG or WebP, else null), turned upright by their EXIF orientation, shrunk
 * to at most {@link PHOTO_MAX_SIDE} px on the longest side, flattened on white, written as JPEG
 * q{@link PHOTO_QUALITY} without any metadata (no EXIF: no GPS, no camera serial). `not_image`
 * when the bytes are not such an image or cannot be decoded; `too_many_pixels` when it would decode
 * to more than 50 megapixels (its header is read, its pixels never).
 */
export function encodePhoto(bytes: Buffer): Promise<EncodedPhoto | 'not_image' | 'too_many_pixels'> {
  return slot(async () => {
    try {
      const meta = await sharp(bytes).metadata();
      if (!meta.format || !FORMATS.has(meta.format)) return 'not_image';
      if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_INPUT_PIXELS) return 'too_many_pixels';
      const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
        .rotate()
        .resize(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: PHOTO_QUALITY })
        .toBuffer({ resolveWithObject: true });
      return { data, width: info.width, height: info.height };
    } catch {
      return 'not_image';
    }
  });
}
