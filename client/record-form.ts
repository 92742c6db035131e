import type { SchoolRecordView } from '../shared/compliance.js';
import { EQUIPMENT_ITEMS } from '../shared/domain/security-record.js';

/** A record field as the form shows it: a count typed as text, or a yes/no flag. */
export interface RecordFieldSpec {
  /** The field's name in the edit and the history: `students`, `equipment.helmet`, `retentionDays`. */
  path: string;
  kind: 'count' | 'flag';
}

/** The record form's groups, in the order of the plan's annexes. */
export const RECORD_GROUPS = [
  {
    group: 'school',
    fields: [
      { path: 'students', kind: 'count' }, { path: 'staff', kind: 'count' }, { path: 'boarding', kind: 'flag' }, { path: 'boarders', kind: 'count' },
      { path: 'guards', kind: 'count' }, { path: 'counterTerror', kind: 'flag' },
    ],
  },
  {
    group: 'gateRoom',
    fields: [{ path: 'guardsOnDuty', kind: 'count' }, ...EQUIPMENT_ITEMS.map((item) => ({ path: `equipment.${item}`, kind: 'count' as const }))],
  },
  {
    group: 'technical',
    fields: [
      { path: 'gateCameraNightCapable', kind: 'flag' }, { path: 'sosLinkedToPolice', kind: 'flag' }, { path: 'videoLinkedToPolice', kind: 'flag' },
      { path: 'alarmLinkedToPolice', kind: 'flag' }, { path: 'controlRoom', kind: 'flag' }, { path: 'controlRoomStaffed', kind: 'flag' },
      { path: 'retentionDays', kind: 'count' },
      { path: 'gatePoliceCamera', kind: 'flag' }, { path: 'systemManager', kind: 'flag' }, { path: 'systemEmergencyPlan', kind: 'flag' },
      { path: 'controlRoomQualified', kind: 'flag' },
    ],
  },
  {
    group: 'physical',
    fields: [{ path: 'closedCampus', kind: 'flag' }, { path: 'antiRamBarriers', kind: 'flag' }],
  },
] as const satisfies readonly { group: string; fields: readonly RecordFieldSpec[] }[];

/** A record form's group. */
export type RecordGroup = (typeof RECORD_GROUPS)[number]['group'];

/** What the person has typed: counts as text (so "abc" reaches the server and its message), flags as booleans. */
export type RecordDraft = Record<string, string | boolean>;

/** The stored value of a field, by its path. */
function valueAt(view: SchoolRecordView, path: string): number | boolean | undefined {
  if (path.startsWith('equipment.')) return view.record.equipment[path.slice('equipment.'.length) as keyof SchoolRecordView['record']['equipment']];
  if (path in view.school) return view.school[path as keyof SchoolRecordView['school']];
  const value = view.record[path as keyof SchoolRecordView['record']];
  return typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
}

/** The form filled with the record as stored. */
export function recordDraft(view: SchoolRecordView): RecordDraft {
  const draft: RecordDraft = {};
  for (const { fields } of RECORD_GROUPS) {
    for (const field of fields) {
      const value = valueAt(view, field.path);
      draft[field.path] = field.kind === 'flag' ? value === true : String(value ?? '');
    }
  }
  return draft;
}

/** A count as typed: a number when it reads as one, otherwise the text itself, for the server to judge. */
function typedCount(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text;
}

/**
 * The `PUT /api/v1/schools/:id/record` body: only the fields that differ from the stored record
 * (equipment nested, as the API takes it), and the note; null when nothing differs. Validation
 * is the server's: a count that is not a number is sent as typed, and its message comes back.
 */
export function recordEditBody(draft: RecordDraft, view: SchoolRecordView, note: string): Record<string, unknown> | null {
  const body: Record<string, unknown> = {};
  const equipment: Record<string, unknown> = {};
  for (const { fields } of RECORD_GROUPS) {
    for (const field of fields) {
      const typed = draft[field.path];
      if (typed === undefined) continue;
      const value = typeof typed === 'boolean' ? typed : typedCount(typed);
      if (value === valueAt(view, field.path)) continue;
      if (field.path.startsWith('equipment.')) equipment[field.path.slice('equipment.'.length)] = value;
      else body[field.path] = value;
    }
  }
  if (Object.keys(equipment).length > 0) body.equipment = equipment;
  if (Object.keys(body).length === 0) return null;
  if (note.trim()) body.note = note.trim();
  return body;
}

/** A server message the UI says in its own words: an i18n key under `deskMessage` and its values. */
export interface KnownMessage {
  key: 'notNumber' | 'notWhole' | 'negative' | 'over' | 'notFlag' | 'notBoarding' | 'boardersOverStudents' | 'controlRoomMissing' | 'onDutyOverGuards'
    | 'notDate' | 'future' | 'required' | 'noSchool';
  values: Record<string, string>;
}

const PATTERNS: [RegExp, KnownMessage['key'], string[]][] = [
  [/must be a number$/, 'notNumber', []],
  [/must be a whole number$/, 'notWhole', []],
  [/cannot be negative$/, 'negative', []],
  [/cannot be over (\d+)$/, 'over', ['max']],
  [/must be true or false$/, 'notFlag', []],
  [/^a school that does not board has no boarders$/, 'notBoarding', []],
  [/^boarders \((\d+)\) cannot exceed students \((\d+)\)$/, 'boardersOverStudents', ['boarders', 'students']],
  [/^a control room must exist to be staffed$/, 'controlRoomMissing', []],
  [/^guards on duty \((\d+)\) cannot exceed the guards employed \((\d+)\)$/, 'onDutyOverGuards', ['onDuty', 'guards']],
  [/must be a date YYYY-MM-DD$|is not a real date/, 'notDate', []],
  [/is in the future$/, 'future', []],
  [/is required$/, 'required', []],
  [/^no such school$/, 'noSchool', []],
];

/**
 * The server's per-field messages are in English; those the desk knows are shown in the page's
 * language (the server's own words stay beside them as a tooltip), any other as the server said it.
 */
export function knownMessage(message: string): KnownMessage | null {
  for (const [pattern, key, names] of PATTERNS) {
    const match = pattern.exec(message);
    if (match) return { key, values: Object.fromEntries(names.map((name, i) => [name, match[i + 1] ?? ''])) };
  }
  return null;
}
