import type { Kysely } from 'kysely';
import type { DatasetCompliance } from '../../shared/dataset.js';
import { securityRecordSchema } from '../../shared/compliance.js';
import { bulkInsert } from './bulk-insert.js';
import { importPlans } from './plan-import.js';
import { InspectionRepository } from './inspection.repository.js';
import type { Database } from './schema.js';

/**
 * Imports a seeded city's compliance data inside the registry's first-start transaction: records
 * (validated), their history, routines, hazards with their steps, and past camera outages.
 */
export async function importCompliance(trx: Kysely<Database>, data: DatasetCompliance, now: number = Number.POSITIVE_INFINITY): Promise<void> {
  // The dataset dates its records by local day and spreads them over office hours; on the
  // reference day itself (today) those hours may not have come yet. A record is never stamped
  // later than the moment it is loaded: seen at 07:35, nothing reads "recorded 18:00 today".
  const notLater = (iso: string): string => (Date.parse(iso) > now ? new Date(now).toISOString() : iso);
  const notLaterOrNull = (iso: string | null): string | null => (iso === null ? null : notLater(iso));
  // The record as imported: at the start of the reference day in Shanghai (was 08:00 local, UTC midnight).
  const importedAt = notLater(new Date(Date.parse(`${data.referenceDate}T00:00:00+08:00`)).toISOString());
  await bulkInsert(trx, 'security_records', data.securityRecords, (r) => ({ school_id: r.schoolId, record: JSON.stringify(securityRecordSchema.parse(r)), updated_at: importedAt, updated_by: 'import' }));
  await bulkInsert(trx, 'record_history', data.recordHistory, (h) => ({ school_id: h.schoolId, at: notLater(h.at), actor: h.actor, note: h.note, changes: JSON.stringify(h.changes) }));
  const recorded = (r: { recordedBy: string; recordedAt: string }) => ({ recorded_by: r.recordedBy, recorded_at: notLater(r.recordedAt) });
  await importPlans(trx, data, notLater);
  await new InspectionRepository(trx).add(trx, (data.inspectionCampaigns ?? []).map((c) => ({ ...c, recordedAt: notLater(c.recordedAt) })));
  await bulkInsert(trx, 'drills', data.drills, (d) => ({ id: d.id, school_id: d.schoolId, date: d.date, scenario: d.scenario, ...recorded(d) }));
  await bulkInsert(trx, 'inspections', data.inspections, (i) => ({ id: i.id, school_id: i.schoolId, date: i.date, by: i.by, note: i.note, ...recorded(i) }));
  await bulkInsert(trx, 'self_checks', data.selfChecks, (c) => ({ id: c.id, school_id: c.schoolId, date: c.date, note: c.note, ...recorded(c) }));
  await bulkInsert(
    trx,
    'hazards',
    data.hazards,
    (h) => ({
      id: h.id, school_id: h.schoolId, district_code: h.districtCode, source: h.source, source_id: h.sourceId, severity: h.severity,
      description: h.description, found_on: h.foundOn, state: h.state, assignee: h.assignee, deadline: h.deadline,
      registered_at: notLater(h.registeredAt), updated_at: notLater(h.updatedAt), rectified_at: notLaterOrNull(h.rectifiedAt), closed_at: notLaterOrNull(h.closedAt), version: h.version,
    }),
  );
  const steps = data.hazards.flatMap((h) => h.transitions.map((t) => ({ hazardId: h.id, ...t })));
  await bulkInsert(trx, 'hazard_transitions', steps, (t) => ({ hazard_id: t.hazardId, action: t.action, from_state: t.from, to_state: t.to, actor: t.actor, at: notLater(t.at), note: t.note, assignee: t.assignee, deadline: t.deadline }));
  await bulkInsert(
    trx,
    'camera_faults',
    data.cameraFaults,
    (f) => ({
      device_id: f.deviceId, school_id: f.schoolId, district_code: f.districtCode, reason: f.reason, state: f.reason === 'offline' ? ('offline' as const) : ('fault' as const),
      opened_at: f.openedAt, deadline_at: f.deadlineAt, closed_at: f.closedAt, outage_seconds: f.outageSeconds,
    }),
  );
}
