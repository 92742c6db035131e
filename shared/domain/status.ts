/**
 * A school's live status on the map wall, most severe first:
 * an open real alarm, a running drill, a device fault, all well.
 */
export const SCHOOL_STATUSES = ['alarm', 'drill', 'fault', 'normal'] as const;
/** A school's live status. */
export type SchoolStatus = (typeof SCHOOL_STATUSES)[number];

/** Severity rank: lower is worse. A cluster of schools takes its worst member's status. */
export function statusRank(status: SchoolStatus): number {
  return SCHOOL_STATUSES.indexOf(status);
}

/** The worse of two statuses. */
export function worseStatus(a: SchoolStatus, b: SchoolStatus): SchoolStatus {
  return statusRank(a) <= statusRank(b) ? a : b;
}

/** Live camera health of one camera. */
export const CAMERA_STATES = ['online', 'offline', 'fault'] as const;
/** A camera's live state. */
export type CameraState = (typeof CAMERA_STATES)[number];
