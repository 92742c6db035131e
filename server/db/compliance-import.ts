import type { Kysely } from 'kysely';
import type { DatasetCompliance } from '../../shared/dataset.js';
import { securityRecordSchema } from '../../shared/compliance.js';
import type { Database } from './schema.js';

/** Rows per multi-row INSERT: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 400;

async function insertChunked<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/**
 * Imports a seeded city's compliance data inside the registry's first-start transaction: records
 * (validated), their history, routines, hazards with their steps, and past camera outages.
 */
export async function importCompliance(trx: Kysely<Database>, data: DatasetCompliance): Promise<void> {
  const importedAt = `${data.referenceDate}T00:00:00.000Z`;
  await insertChunked(data.securityRecords, (chunk) =>
    trx
      .insertInto('security_records')
      .values(chunk.map((r) => ({ school_id: r.schoolId, record: JSON.stringify(securityRecordSchema.parse(r)), updated_at: importedAt, updated_by: 'import' })))
      .execute(),
  );
  await insertChunked(data.recordHistory, (chunk) =>
    trx
      .insertInto('record_history')
      .values(chunk.map((h) => ({ school_id: h.schoolId, at: h.at, actor: h.actor, note: h.note, changes: JSON.stringify(h.changes) })))
      .execute(),
  );
  const recorded = (r: { recordedBy: string; recordedAt: string }) => ({ recorded_by: r.recordedBy, recorded_at: r.recordedAt });
  await insertChunked(data.drills, (chunk) =>
    trx.insertInto('drills').values(chunk.map((d) => ({ id: d.id, school_id: d.schoolId, date: d.date, scenario: d.scenario, ...recorded(d) }))).execute(),
  );
  await insertChunked(data.inspections, (chunk) =>
    trx.insertInto('inspections').values(chunk.map((i) => ({ id: i.id, school_id: i.schoolId, date: i.date, by: i.by, note: i.note, ...recorded(i) }))).execute(),
  );
  await insertChunked(data.selfChecks, (chunk) =>
    trx.insertInto('self_checks').values(chunk.map((c) => ({ id: c.id, school_id: c.schoolId, date: c.date, note: c.note, ...recorded(c) }))).execute(),
  );
  await insertChunked(data.hazards, (chunk) =>
    trx
      .insertInto('hazards')
      .values(
        chunk.map((h) => ({
          id: h.id, school_id: h.schoolId, district_code: h.districtCode, source: h.source, source_id: h.sourceId, severity: h.severity,
          description: h.description, found_on: h.foundOn, state: h.state, assignee: h.assignee, deadline: h.deadline,
          registered_at: h.registeredAt, updated_at: h.updatedAt, rectified_at: h.rectifiedAt, closed_at: h.closedAt, version: h.version,
        })),
      )
      .execute(),
  );
  const steps = data.hazards.flatMap((h) => h.transitions.map((t) => ({ hazard_id: h.id, action: t.action, from_state: t.from, to_state: t.to, actor: t.actor, at: t.at, note: t.note, assignee: t.assignee, deadline: t.deadline })));
  await insertChunked(steps, (chunk) => trx.insertInto('hazard_transitions').values(chunk).execute());
  await insertChunked(data.cameraFaults, (chunk) =>
    trx
      .insertInto('camera_faults')
      .values(
        chunk.map((f) => ({
          device_id: f.deviceId, school_id: f.schoolId, district_code: f.districtCode, reason: f.reason, state: f.reason === 'offline' ? 'offline' : 'fault',
          opened_at: f.openedAt, deadline_at: f.deadlineAt, closed_at: f.closedAt, outage_seconds: f.outageSeconds,
        })),
      )
      .execute(),
  );
}
