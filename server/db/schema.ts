import type { ColumnType, Generated } from 'kysely';
import type { Role } from '../../shared/auth.js';
import type { ShelfEnd } from '../../shared/console.js';
import type { AlarmPriority, AlarmState, AlarmType, CameraState, DeviceKind, DevicePlace, DistrictCode, PolicePostKind, SchoolSetting, SchoolStage } from '../../shared/domain/index.js';
import type { InspectionRecord } from '../../shared/domain/security-record.js';
import type { Drill, DrillEndReason, DrillState } from '../../shared/drill.js';
import type { IngestEventType } from '../../shared/ingest.js';
import type { RestoreDeviceKind } from '../../shared/rules/compliance/types.js';
import type { RiskLevel } from '../../shared/risk.js';
import type { ReportScope } from '../../shared/report.js';
import type { InspectionDepartment, InspectionLevel } from '../../shared/inspections.js';
import type { HazardSeverity, HazardSource, HazardState, HazardTransition } from '../../shared/rules/hazard.js';

/**
 * Table shapes for Kysely. Portable across SQLite and PostgreSQL: booleans are 0/1 integers,
 * times are ISO-8601 UTC text (sortable), structured values are JSON text (read back through
 * their schema: json-columns.ts). A column that holds one of the domain's unions is typed with
 * that union, so rows read back need no cast and a write of anything else does not compile.
 */
export interface Database {
  meta: { key: string; value: string };
  schools: {
    id: string;
    name: string;
    district_code: DistrictCode;
    address: string;
    stage: SchoolStage;
    setting: SchoolSetting;
    boarding: number;
    boarders: number;
    students: number;
    staff: number;
    counter_terror: number;
    guards: number;
    lat: number;
    lng: number;
  };
  police_posts: { id: string; name: string; kind: PolicePostKind; district_code: DistrictCode; lat: number; lng: number };
  guard_posts: {
    id: string;
    name: string;
    district_code: DistrictCode;
    /** JSON list of school ids. */
    school_ids: string;
    person: string;
    phone: string;
    duty: string;
    /** JSON list of duty windows `{ start, end }`. */
    schedule: string;
    /** JSON ISO weekdays, or null for school days. */
    days: string | null;
    /** JSON list of local dates off. */
    off_dates: string;
    radius_m: number;
    lat: number;
    lng: number;
  };
  /** `gb_code`: its GB/T 28181 code (0018; unique where set), `gb_parent`: the code of the NVR it is a channel of. */
  devices: { id: string; kind: DeviceKind; school_id: string | null; post_id: string | null; place: DevicePlace; name: string; gb_code: string | null; gb_parent: string | null };
  /** The schools' NVRs (0018, GB type 118). */
  gb_nvrs: { code: string; school_id: string; name: string };
  /** Channels a device's catalog listed that no registry device has (0018): `parent_id` the listing device's code, `kind` what the type code says. */
  sip_channels: { code: string; parent_id: string; name: string; kind: string; first_seen_at: string; last_seen_at: string };
  /**
   * Every stored (non-keepalive) ingest event. The idempotency key is (`id`, `source`): the id
   * within its integration — `token:<ingest token id>`, `mqtt:<gatewayId>`, `system` (server-raised
   * keys) or `legacy` (stored before ids were scoped). `digest`: SHA-256 of the canonical event, null
   * for legacy and system rows. `type`: the ingest event's type, or `system.<alarm type>` for an
   * alarm the server raised itself.
   */
  events: { id: string; source: string; type: StoredEventType; device_id: string; at: string; received_at: string; payload: string; digest: string | null };
  alarms: {
    id: string;
    type: AlarmType;
    priority: AlarmPriority;
    state: AlarmState;
    school_id: string;
    device_id: string;
    district_code: string;
    opened_at: string;
    received_at: string;
    updated_at: string;
    last_seen_at: string;
    count: number;
    drill: number;
    unit_id: string | null;
    disposition: string | null;
  };
  alarm_transitions: {
    id: Generated<number>;
    alarm_id: string;
    action: string;
    from_state: AlarmState | null;
    /** The unit a dispatch step sent. */
    unit_id: string | null;
    to_state: AlarmState;
    actor: string;
    at: string;
    note: string | null;
    /** English of a system step's note (`note` is zh-CN). */
    note_en: string | null;
    /** 0013: a unit's phone step (JSON `FieldStepRecord`), and its `requestId` (unique: a re-send is stored once). */
    field: string | null;
    request_id: string | null;
  };
  /** 0013: a report's photos, re-encoded JPEG (`data`: SQLite blob, PostgreSQL bytea). */
  alarm_photos: { id: string; alarm_id: string; unit_id: string; uploaded_by: string; uploaded_at: string; width: number; height: number; bytes: number; data: Uint8Array };
  /** Camera fault tickets (24 h restore deadline, 附件3). */
  camera_faults: {
    id: Generated<number>;
    device_id: string;
    school_id: string;
    district_code: string;
    /** `offline` (missed keepalives) or the device's fault code. */
    reason: string;
    /** The camera state that opened it: `offline` or `fault`. */
    state: FaultCameraState;
    opened_at: string;
    deadline_at: string;
    closed_at: string | null;
    outage_seconds: number | null;
    /** Whose ticket (issue 15): `camera`, `sos`, `intrusion` or `access`. */
    device_kind: ColumnType<RestoreDeviceKind, RestoreDeviceKind | undefined, RestoreDeviceKind>;
  };
  users: {
    id: Generated<number>;
    username: string;
    display_name: string;
    password_hash: string;
    role: Role;
    district_code: string | null;
    school_id: string | null;
    /** 0013: a responder's unit (police post id); null for everyone else. */
    unit_id: string | null;
    disabled: number;
    failed_logins: number;
    locked_until: string | null;
    created_at: string;
    password_changed_at: string;
  };
  /** Signed-in sessions; the cookie holds the token, the table only its SHA-256. */
  sessions: { token_hash: string; user_id: number; created_at: string; expires_at: string; last_seen_at: string; address: string | null; viewer_link_id: number | null };
  /** Ingest tokens per integration (0006): only the SHA-256 of the token is kept. */
  ingest_tokens: { id: Generated<number>; name: string; token_hash: string; prefix: string; created_by: string; created_at: string; revoked_at: string | null; last_used_at: string | null };
  /** Kiosk viewer links (0006): a key (SHA-256 kept) that signs a big screen in as a viewer. */
  viewer_links: {
    id: Generated<number>;
    name: string;
    key_hash: string;
    prefix: string;
    district_code: string | null;
    created_by: string;
    created_at: string;
    revoked_at: string | null;
    last_used_at: string | null;
  };
  /** Append-only (triggers refuse UPDATE and DELETE). `details` is a JSON object. */
  audit_log: { id: Generated<number>; at: string; actor: string; action: string; target: string | null; address: string | null; details: string };
  /** One security record (安防档案) per school: the record as JSON, validated on the way in and out. */
  security_records: { school_id: string; record: string; updated_at: string; updated_by: string };
  /** Every edit of a record or of the school's own editable fields: `changes` is JSON `[{ field, from, to }]`. */
  record_history: { id: Generated<number>; school_id: string; at: string; actor: string; note: string | null; changes: string };
  /** The school's people (校长, 保卫干部, 法制副校长), one row per saved version (0012): `people` is JSON, validated on the way in and out. */
  school_people: { school_id: string; version: number; saved_at: string; saved_by: string; note: string | null; people: string };
  /** The emergency plan (预案, 一校一案), one row per saved version (0012): `plan` is JSON, validated on the way in and out. */
  emergency_plans: { school_id: string; version: number; saved_at: string; saved_by: string; note: string | null; plan: string };
  /** City/county inspection campaigns (二(五)2, issue 15); school ids, findings and the circular are JSON text. */
  inspection_campaigns: {
    id: string;
    department: InspectionDepartment;
    level: InspectionLevel;
    district_code: string | null;
    term_start: string;
    term_end: string;
    title: string;
    start_date: string;
    end_date: string;
    school_ids: string;
    findings: string;
    recorded_by: string;
    recorded_at: string;
    circular: string | null;
  };
  drills: { id: string; school_id: string; date: string; scenario: string; recorded_by: string; recorded_at: string };
  inspections: { id: string; school_id: string; date: string; by: InspectionRecord['by']; note: string | null; recorded_by: string; recorded_at: string };
  self_checks: { id: string; school_id: string; date: string; note: string | null; recorded_by: string; recorded_at: string };
  /** Hazards (隐患); `version` is the compare-and-set token of every step. */
  hazards: {
    id: string;
    school_id: string;
    district_code: DistrictCode;
    source: HazardSource;
    source_id: string | null;
    severity: HazardSeverity;
    description: string;
    found_on: string;
    state: HazardState;
    assignee: string | null;
    deadline: string | null;
    registered_at: string;
    updated_at: string;
    rectified_at: string | null;
    closed_at: string | null;
    version: number;
  };
  hazard_transitions: {
    id: Generated<number>;
    hazard_id: string;
    action: HazardTransition['action'];
    from_state: HazardState | null;
    to_state: HazardState;
    actor: string;
    at: string;
    note: string | null;
    assignee: string | null;
    deadline: string | null;
  };
  /** Live drills (0007): `targets` is JSON `{ acknowledged, dispatched, on_scene, handled }` in seconds. */
  /** The compliance desk's matrix per closed as-of date and scope, with its sources' fingerprint (0019). */
  compliance_figures: { as_of: string; scope: string; fingerprint: string; matrix: string; computed_at: string };
  /** Periodic reports (0017): figures JSON, the PDF and xlsx bytes. */
  reports: {
    id: string;
    kind: 'weekly' | 'monthly';
    period_from: string;
    period_to: string;
    label: string;
    scope: ReportScope;
    created_at: string;
    created_by: string;
    alarms: number;
    figures: string;
    pdf: Uint8Array;
    xlsx: Uint8Array;
    pdf_bytes: number;
    xlsx_bytes: number;
  };
  drill_runs: {
    id: string;
    school_id: string;
    district_code: string;
    scenario: string;
    participants: string;
    planned_for: string;
    targets: string;
    state: DrillState;
    created_by: string;
    created_at: string;
    started_by: string | null;
    started_at: string | null;
    ended_by: string | null;
    ended_at: string | null;
    cancel_note: string | null;
    alarm_id: string | null;
    alarm_origin: Drill['alarmOrigin'];
    record_id: string | null;
    /** 0010: planned length, how it ended (`operator` / `time_limit`), the record's notes (JSON). */
    length_minutes: number;
    end_reason: DrillEndReason | null;
    /** JSON list of the record's notes. */
    notes: string;
  };
  /** A drill's observer checklist, in `position` order. */
  drill_checklist: { drill_id: string; item_id: string; position: number; label: string; points: number; checked_by: string | null; checked_at: string | null };
  /** Shelved devices (0009): a shelf in force has `ended_at` null; `end_reason` is `expired` or `unshelved`. */
  shelves: {
    id: string;
    device_id: string;
    school_id: string;
    district_code: string;
    reason: string;
    shelved_by: string;
    shelved_at: string;
    until: string;
    ended_at: string | null;
    ended_by: string | null;
    end_reason: ShelfEnd['reason'] | null;
    end_note: string | null;
  };
  /** The school risk history (0016): a row on each change of level and once a day; `contributions` is JSON `RiskContribution[]`. */
  risk_history: { school_id: string; at: string; score: number; level: RiskLevel; kind: 'change' | 'daily'; contributions: string };
  /** The change log behind `seq`: one row per pushed `alarm` change, with the alarm as pushed (JSON). */
  alarm_changes: { seq: Generated<number>; alarm_id: string; at: string; payload: string };
}

/** What the `events` log's `type` holds: an ingest event's type, or `system.<alarm type>` (AlarmService.raiseOnce). */
export type StoredEventType = IngestEventType | `system.${AlarmType}`;

/** The camera states that open a fault ticket. */
export type FaultCameraState = Exclude<CameraState, 'online'>;
