import type { Device, DevicePlace } from './domain/entities.js';

/** How many camera tiles an alarm card shows before "+N more". */
export const CAMERA_TILE_LIMIT = 6;

/**
 * Why a camera stands where it does on the card: it is the alarm's device (a camera's own fault),
 * at the same place as the alarm's device (the gate room's button, the finance room's sensor), at
 * the gate (who comes and goes), or elsewhere.
 */
export type CameraNearness = 'alarm_device' | 'same_place' | 'gate' | 'other';

/** One camera on the card, with why it is there. */
export interface RankedCamera<C> {
  camera: C;
  nearness: CameraNearness;
}

/** The cameras shown, in order, and how many more the school has. */
export interface CameraRanking<C> {
  shown: RankedCamera<C>[];
  more: number;
}

const ORDER: Record<CameraNearness, number> = { alarm_device: 0, same_place: 1, gate: 2, other: 3 };

/**
 * The school's cameras in the order an operator wants them for an alarm: the alarm's device
 * itself when it is a camera, then those at its place, then the gate's, then the rest, each group
 * by id so the tiles never jump about while their states change; at most `limit`, with the count
 * of the others. Without a device (a school's own page, a school picked on the map) the gate
 * comes first. Devices that are not cameras are left out.
 */
export function rankCameras<C extends Pick<Device, 'id' | 'kind' | 'place'>>(devices: readonly C[], near: { id: string; place: DevicePlace } | null, limit = CAMERA_TILE_LIMIT): CameraRanking<C> {
  const nearness = (camera: C): CameraNearness => {
    if (near?.id === camera.id) return 'alarm_device';
    if (near?.place === camera.place) return 'same_place';
    return camera.place === 'gate' ? 'gate' : 'other';
  };
  const ranked = devices
    .filter((device) => device.kind === 'camera')
    .map((camera) => ({ camera, nearness: nearness(camera) }))
    .sort((a, b) => ORDER[a.nearness] - ORDER[b.nearness] || (a.camera.id < b.camera.id ? -1 : a.camera.id > b.camera.id ? 1 : 0));
  const count = Math.max(0, Math.floor(limit));
  return { shown: ranked.slice(0, count), more: Math.max(0, ranked.length - count) };
}

/** The placeholders a video-platform URL template may hold (`XIAOAN_VIDEO_URL_TEMPLATE`). */
export const VIDEO_PLACEHOLDERS = ['cameraId', 'schoolId'] as const;

/**
 * The live-view address of one camera on the deployment's video platform: the template
 * (`https://video.example.cn/live?camera={cameraId}`) with each placeholder replaced by its
 * value, URL-encoded so an id can never change the address's shape.
 */
export function videoLinkFor(template: string, camera: { id: string; schoolId: string | null }): string {
  return template.replaceAll('{cameraId}', encodeURIComponent(camera.id)).replaceAll('{schoolId}', encodeURIComponent(camera.schoolId ?? ''));
}
