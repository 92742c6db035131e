import express, { type RequestHandler } from 'express';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '../../shared/responder.js';
import { refusal } from '../../shared/refusal.js';
import { sendRefusal } from './refusal.js';

const MB = Math.round(MAX_PHOTO_BYTES / (1024 * 1024));

/** The words of a photo over the size limit (here, before reading it all, and in the service). */
export const PHOTO_TOO_LARGE = refusal(`照片超过 ${MB} MB 上限：请降低分辨率后重拍`, `the photo is larger than the ${MB} MB limit: take it again at a lower resolution`);
/** The words of an upload that is not a JPEG, PNG or WebP image. */
export const NOT_AN_IMAGE = refusal('上传的不是图片（仅支持 JPEG、PNG、WebP 照片）', 'the upload is not an image (JPEG, PNG or WebP photos only)');

/**
 * The guard of `POST /responder/alarms/:id/photos` (`guard: 'photo'`): the body is the image's raw
 * bytes. A declared type other than JPEG/PNG/WebP is 415, a declared length over the limit 413
 * before anything is read, a body that grows past it 413 as soon as it does. The bytes are then a
 * Buffer on `req.body`; whether they really are an image is for sharp to say (the service).
 */
export function photoBody(): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: MAX_PHOTO_BYTES });
  return [
    (req, res, next) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(PHOTO_TYPES as readonly string[]).includes(type)) return sendRefusal(res, 415, NOT_AN_IMAGE);
      const length = Number(req.headers['content-length']);
      if (Number.isFinite(length) && length > MAX_PHOTO_BYTES) {
        res.set('Connection', 'close');
        return sendRefusal(res, 413, PHOTO_TOO_LARGE);
      }
      raw(req, res, (error?: unknown) => {
        if (error) {
          const status = (error as { status?: number }).status;
          if (status === 413) {
            res.set('Connection', 'close');
            return sendRefusal(res, 413, PHOTO_TOO_LARGE);
          }
          return next(error);
        }
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) return sendRefusal(res, 415, NOT_AN_IMAGE);
        next();
      });
    },
  ];
}
