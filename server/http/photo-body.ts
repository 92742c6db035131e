import express, { type RequestHandler } from 'express';
import { MAX_PHOTO_BYTES, PHOTO_TYPES } from '../../shared/responder.js';
import { NOT_AN_IMAGE, PHOTO_TOO_LARGE } from '../services/photo-encode.js';
import { sendRefusal } from './refusal.js';

/**
 * The guard of `POST /responder/alarms/:id/photos` (`guard: 'photo'`): the body is the image's raw
 * bytes. A declared type other than JPEG/PNG/WebP is 415; a body over the limit is 413 (a declared
 * length over it is refused without keeping anything, one that grows past it as soon as it does;
 * the rest is drained so the phone reads the answer). The bytes are then a Buffer on `req.body`;
 * whether they really are an image is for sharp to say (the service).
 */
export function photoBody(): RequestHandler[] {
  const raw = express.raw({ type: () => true, limit: MAX_PHOTO_BYTES });
  return [
    (req, res, next) => {
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(PHOTO_TYPES as readonly string[]).includes(type)) return sendRefusal(res, 415, NOT_AN_IMAGE);
      raw(req, res, (error?: unknown) => {
        if (error) {
          const status = (error as { status?: number }).status;
          if (status === 413) return sendRefusal(res, 413, PHOTO_TOO_LARGE);
          return next(error);
        }
        if (!Buffer.isBuffer(req.body) || req.body.length === 0) return sendRefusal(res, 415, NOT_AN_IMAGE);
        next();
      });
    },
  ];
}
