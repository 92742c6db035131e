import type { Kysely, Selectable } from 'kysely';
import type { FaultWindow, RestoreDeviceKind } from '../../shared/rules/compliance/index.js';
import type { CameraFault } from '../../shared/wall.js';
import type { Database, FaultCameraState } from './schema.js';

type FaultRow = Selectable<Database['camera_faults']>;

/** Which tickets a listing wants. */
export interface FaultQuery {
  state: 'open' | 'closed' | 'all';
  districtCode?: string;
  schoolId?: string;
  limit: number;
}

function toFault(r: FaultRow): CameraFault {
  return {
    id: Number(r.id),
    deviceId: r.device_id,
    schoolId: r.school_id,
    districtCode: r.district_code,
    reason: r.reason,
    openedAt: r.opened_at,
    deadlineAt: r.deadline_at,
    closedAt: r.closed_at,
    outageSeconds: r.outage_seconds,
  };
}

/** Camera fault tickets. */
export class FaultRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async open(fault: Omit<CameraFault, 'id' | 'closedAt' | 'outageSeconds'> & { state: FaultCameraState; deviceKind?: RestoreDeviceKind }): Promise<CameraFault> {
    const row = await this.db
      .insertInto('camera_faults')
      .values({
        device_id: fault.deviceId,
        school_id: fault.schoolId,
        district_code: fault.districtCode,
        reason: fault.reason,
        state: fault.state,
        opened_at: fault.openedAt,
        deadline_at: fault.deadlineAt,
        closed_at: null,
        outage_seconds: null,
        device_kind: fault.deviceKind ?? 'camera',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toFault(row);
  }

  /** Closes the device's open ticket, if any, and returns it. */
  async close(deviceId: string, closedAt: string): Promise<CameraFault | null> {
    const open = await this.db.selectFrom('camera_faults').selectAll().where('device_id', '=', deviceId).where('closed_at', 'is', null).executeTakeFirst();
    if (!open) return null;
    const outage = Math.max(0, Math.round((Date.parse(closedAt) - Date.parse(open.opened_at)) / 1000));
    await this.db.updateTable('camera_faults').set({ closed_at: closedAt, outage_seconds: outage }).where('id', '=', open.id).execute();
    return toFault({ ...open, closed_at: closedAt, outage_seconds: outage });
  }

  /** Whether the device has an open ticket. */
  async isOpen(deviceId: string): Promise<boolean> {
    const row = await this.db.selectFrom('camera_faults').select('id').where('device_id', '=', deviceId).where('closed_at', 'is', null).executeTakeFirst();
    return row !== undefined;
  }

  /** Open tickets with the camera state each one stands for (what a restart starts from). */
  async openStates(): Promise<{ deviceId: string; state: FaultCameraState }[]> {
    const rows = await this.db.selectFrom('camera_faults').select(['device_id', 'state']).where('closed_at', 'is', null).execute();
    return rows.map((r) => ({ deviceId: r.device_id, state: r.state }));
  }

  /** Every ticket (any device kind) not closed within its deadline (or still open), with its school: the only ones a compliance rule can fail on. */
  async lateWindows(): Promise<(FaultWindow & { schoolId: string })[]> {
    const rows = await this.db
      .selectFrom('camera_faults')
      .select(['school_id', 'opened_at', 'deadline_at', 'closed_at', 'device_kind'])
      .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>', eb.ref('deadline_at'))]))
      .execute();
    return rows.map((f) => ({ schoolId: f.school_id, deviceKind: f.device_kind, openedAt: f.opened_at, deadlineAt: f.deadline_at, closedAt: f.closed_at }));
  }

  /** The last `limit` tickets closed, the latest first. */
  async recentlyClosed(limit: number): Promise<CameraFault[]> {
    const rows = await this.db.selectFrom('camera_faults').selectAll().where('closed_at', 'is not', null).orderBy('closed_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toFault);
  }

  async list(query: FaultQuery): Promise<CameraFault[]> {
    let q = this.db.selectFrom('camera_faults').selectAll();
    if (query.state === 'open') q = q.where('closed_at', 'is', null);
    if (query.state === 'closed') q = q.where('closed_at', 'is not', null);
    if (query.districtCode) q = q.where('district_code', '=', query.districtCode);
    if (query.schoolId) q = q.where('school_id', '=', query.schoolId);
    const rows = await q.orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(toFault);
  }
}
