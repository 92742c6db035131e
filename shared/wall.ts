import type { Device, DutyWindow, GuardPost, PolicePost, School } from './domain/entities.js';
import type { PostState } from './rules/guard-post.js';
import type { ResponseTargets } from './rules/response.js';
import type { CameraState } from './domain/status.js';
import type { SchoolStatus } from './domain/status.js';

/** One school's changed live status. */
export interface SchoolStatusChange {
  schoolId: string;
  status: SchoolStatus;
}

/** City-wide camera counts, for the wall's header figures. */
export interface CameraSummary {
  total: number;
  online: number;
  offline: number;
  fault: number;
}

/** `GET /api/v1/wall`: everything a map wall needs to draw, in one answer. */
export interface WallSnapshot {
  generatedAt: string;
  schools: School[];
  policePosts: PolicePost[];
  guardPosts: GuardPost[];
  /** Schools whose status is not `normal`; every other school is normal. */
  statuses: SchoolStatusChange[];
  cameras: CameraSummary;
  /**
   * Every school's cameras online of total: the per-school and per-district online rates. With
   * `?cameras=down`, only the schools with a camera down (or with other cameras than the registry
   * lists), and `camerasKey`.
   */
  schoolCameras: SchoolCameraCount[];
  /** With `?cameras=down`: the scope's `schoolCamerasKey` (shared/wall-registry.ts) the list was made against. */
  camerasKey?: number;
}

/** `GET /api/v1/client-config`: settings the browser needs from the server's configuration. */
export interface ClientConfig {
  /** Optional raster tile URL template (e.g. a local tile server) drawn under the offline district map. */
  tileUrl: string | null;
  tileAttribution: string | null;
  /** Version of the running build; a screen reloads when it changes. */
  buildId: string;
  /** The response targets per alarm priority in force (`XIAOAN_RESPONSE_TARGETS`; 1-3-5 for P1/P2). */
  responseTargets: ResponseTargets;
  /**
   * The city video platform's live view of one camera (`XIAOAN_VIDEO_URL_TEMPLATE`, placeholders
   * `{cameraId}` and `{schoolId}`, filled by `videoLinkFor` in shared/cameras.ts); null: no video
   * platform, so camera tiles show their state and last-seen time only.
   */
  videoUrlTemplate: string | null;
}

/** `GET /api/v1/schools/:id/devices`: a device with its live state (cameras only; null for others). */
export interface DeviceHealth extends Device {
  state: CameraState | null;
  /** Days of video a camera last reported keeping (null: not reported, or not a camera). */
  retentionDays: number | null;
  /** When a camera last sent a keepalive (ISO); null before its first since the server started, or not a camera. */
  lastSeenAt: string | null;
}

/** One school's cameras: `[schoolId, online, total]`, compact because a snapshot carries every school. */
export type SchoolCameraCount = [schoolId: string, online: number, total: number];

/** A camera fault ticket: opened when a camera goes offline or reports a fault, to be restored within 24 h (附件3). */
export interface CameraFault {
  id: number;
  deviceId: string;
  schoolId: string;
  districtCode: string;
  /** `offline` (three keepalives missed) or the device's fault code (`video_loss`, `tamper`, …). */
  reason: string;
  openedAt: string;
  /** openedAt + 24 h. */
  deadlineAt: string;
  /** Null while open; set when the camera reported again. */
  closedAt: string | null;
  /** Length of the outage, once closed. */
  outageSeconds: number | null;
}

/** A 护学岗 post's live state (`GET /api/v1/posts/status`, pushed as `post:status`). */
export interface PostLive {
  postId: string;
  state: PostState;
  /** The duty window now running, null off hours. */
  window: DutyWindow | null;
  /** The check-in counted for that window (ISO), if any. */
  checkedInAt: string | null;
  /** Minutes (rounded up) that check-in came after the window's start: 0 on time, > 0 迟到 late, null without one. */
  minutesLate: number | null;
  reason: { zh: string; en: string };
}

/**
 * Today's 护学岗 figures of one duty window (`GET /api/v1/posts/figures`): of the posts `due` in
 * it, how many came on time (按时), late (迟到), were absent (缺岗), are still within the grace
 * (`pending`) or not due yet (`upcoming`). A post that came after the grace counts as late.
 */
export interface PostWindowFigures {
  window: DutyWindow;
  due: number;
  onTime: number;
  late: number;
  absent: number;
  pending: number;
  upcoming: number;
}
