/**
 * A school's live status on the map wall, most severe first: an open real P1/P2 alarm (报警), a
 * running drill (演练), an open minor P3/P4 alarm such as a 护学岗 缺岗 (一般告警), a device fault —
 * a camera offline or reporting a fault (设备故障) — and all well. Minor alarms and device faults
 * are separate so a 缺岗 is never counted as a broken device (`shared/figures.ts` decides).
 */
export const SCHOOL_STATUSES = ['alarm', 'drill', 'warning', 'fault', 'normal'] as const;
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
