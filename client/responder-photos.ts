import { MAX_PHOTO_BYTES, PHOTO_TYPES, type StoredPhoto } from '../shared/responder.js';
import { networkRefusal, refusalOf, routeLink, writeHeaders, type Refusal } from './api.js';

/** Where a report's photo is served (`GET /api/v1/alarms/:id/photos/:photoId`, JPEG), for a thumbnail or a link. */
export function photoUrl(alarmId: string, photoId: string): string {
  return routeLink('alarms.photo', { params: { id: alarmId, photoId } });
}

/** Why the phone will not even try to send a photo: too large, or a type the server does not take. */
export type PhotoProblem = 'too_large' | 'not_image' | null;

/** Checks a chosen photo before sending it (the server checks again, on the bytes themselves). */
export function photoProblem(file: Pick<Blob, 'size' | 'type'>): PhotoProblem {
  if (!(PHOTO_TYPES as readonly string[]).includes(file.type)) return 'not_image';
  return file.size > MAX_PHOTO_BYTES ? 'too_large' : null;
}

/**
 * `POST /api/v1/responder/alarms/:id/photos` with the photo's bytes as they are (its type in
 * `Content-Type`): the stored photo (re-encoded by the server), or the server's refusal with its
 * reason; a network failure is a refusal with status 0.
 */
export async function uploadPhoto(alarmId: string, file: Blob): Promise<{ ok: true; photo: StoredPhoto } | ({ ok: false } & Refusal)> {
  const url = routeLink('responder.photo', { params: { id: alarmId } });
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { ...writeHeaders(), 'content-type': file.type }, body: file, credentials: 'same-origin' });
  } catch (error) {
    return networkRefusal(error);
  }
  const answer: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, photo: answer as StoredPhoto };
  return refusalOf(response.status, answer, `${url} answered ${response.status}`);
}
