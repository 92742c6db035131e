import { z } from 'zod';
import { bilingual as b } from '../zod-text.js';
import { ALARM_TYPES, type AlarmType } from './alarm.js';
import type { DutyWindow } from './entities.js';

/**
 * A school's people and its emergency plan (预案, 一校一案: one plan per school, seed 二(三)1):
 * the principal as the first person responsible (第一责任人, 二(一)1), the security chief and the
 * police vice-principal (法制副校长, 二(四)2) with their police unit; per alarm type the steps to
 * take, the assembly point, the evacuation routes and the nearest hospital. Both are kept as
 * numbered versions (every save a new one, none overwritten), like the security record's history.
 */

/** A plan not saved again for longer than this (days, from its last save) is stale: a compliance finding. */
export const PLAN_MAX_AGE_DAYS = 365;

/** A Chinese mobile (1[3-9] and nine digits) or a landline with its area code (0375-1234567). */
export const PHONE_PATTERN = /^(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})$/;

/** Alarm types a plan must have steps for; the others are optional. */
export const PLAN_REQUIRED_TYPES = ['sos', 'intrusion'] as const satisfies readonly AlarmType[];

/** Bounds of a plan and of the people (a card must stay readable; a body must stay small). */
export const PLAN_LIMITS = { steps: 12, stepChars: 200, routes: 6, routeChars: 200, deputies: 4, textChars: 100, noteChars: 500 } as const;

/** A person to call: name and phone. */
export interface PersonContact {
  name: string;
  phone: string;
}

/** The police vice-principal (法制副校长): a police officer of the unit `unitId` (a police post of the registry). */
export interface PoliceVicePrincipal extends PersonContact {
  unitId: string;
}

/** Another person to call (副校长, 值班主任 …), with their title. */
export interface DeputyContact extends PersonContact {
  title: string;
}

/** The school's people the operator, the unit and the drill need to reach. */
export interface SchoolPeople {
  /** 校长, the first person responsible (第一责任人). */
  principal: PersonContact;
  /** 保卫干部, the security chief. */
  securityChief: PersonContact;
  /** 法制副校长. */
  policeVicePrincipal: PoliceVicePrincipal;
  /** Further contacts, at most {@link PLAN_LIMITS}.deputies. */
  deputies: DeputyContact[];
}

/** The nearest hospital (最近医院). */
export interface NearestHospital {
  name: string;
  address: string;
  phone: string;
  /** Road distance from the school, km. */
  distanceKm: number;
}

/** The emergency plan (预案). */
export interface EmergencyPlan {
  /** Per alarm type, the steps in order; `sos` and `intrusion` required. */
  steps: Partial<Record<AlarmType, string[]>>;
  /** 集合点. */
  assemblyPoint: string;
  /** 疏散路线, in order of preference. */
  evacuationRoutes: string[];
  nearestHospital: NearestHospital;
}

/** What every stored version carries: its number (1, 2, …), when and by whom it was saved, and the saver's note. */
export interface VersionStamp {
  schoolId: string;
  version: number;
  /** ISO instant. */
  savedAt: string;
  /** The display name of the person who saved it (`import` for the seeded city). */
  savedBy: string;
  note: string | null;
}

/** One saved version of the people. */
export interface SchoolPeopleVersion extends VersionStamp {
  people: SchoolPeople;
}

/** One saved version of the plan. */
export interface EmergencyPlanVersion extends VersionStamp {
  plan: EmergencyPlan;
}

const text = (what: string, zh: string, max: number = PLAN_LIMITS.textChars) =>
  z
    .string({ error: b(`${what} must be text`, `${zh}须为文字`) })
    .trim()
    .min(1, { error: b(`${what} is required`, `${zh}必填`) })
    .max(max, { error: b(`${what} is over ${max} characters`, `${zh}不能超过 ${max} 个字`) });

/** A phone number (see {@link PHONE_PATTERN}). */
export const phoneSchema = z
  .string({ error: b('the phone must be text', '电话须为文字') })
  .trim()
  .regex(PHONE_PATTERN, { error: b('the phone must be a mobile (11 digits starting 13–19) or a landline with its area code, e.g. 0375-1234567', '电话须为手机号（1 开头 11 位）或带区号的固定电话，如 0375-1234567') });

const contact = (what: string, zh: string) => z.strictObject({ name: text(`the ${what}'s name`, `${zh}姓名`, 20), phone: phoneSchema });

/** {@link PersonContact}. */
export const personContactSchema = contact('person', '联系人') satisfies z.ZodType<PersonContact>;

/** {@link SchoolPeople}, as sent and as stored. */
export const schoolPeopleSchema = z.strictObject({
  principal: contact('principal', '校长'),
  securityChief: contact('security chief', '保卫干部'),
  policeVicePrincipal: contact('police vice-principal', '法制副校长').extend({ unitId: text("the police vice-principal's unit", '法制副校长所在单位', 20) }),
  deputies: z
    .array(contact('contact', '其他联系人').extend({ title: text("the contact's title", '职务', 20) }))
    .max(PLAN_LIMITS.deputies, { error: b(`at most ${PLAN_LIMITS.deputies} further contacts`, `其他联系人最多 ${PLAN_LIMITS.deputies} 位`) })
    .default([]),
}) satisfies z.ZodType<SchoolPeople, unknown>;

const stepList = z
  .array(text('a step', '处置步骤', PLAN_LIMITS.stepChars))
  .min(1, { error: b('name at least one step', '至少填写一个处置步骤') })
  .max(PLAN_LIMITS.steps, { error: b(`at most ${PLAN_LIMITS.steps} steps per alarm type`, `每类报警最多 ${PLAN_LIMITS.steps} 个步骤`) });

const stepsShape = Object.fromEntries(ALARM_TYPES.map((type) => [type, stepList.optional()])) as Record<AlarmType, z.ZodOptional<typeof stepList>>;

/** {@link EmergencyPlan}, as sent and as stored. */
export const emergencyPlanSchema = z.strictObject({
  steps: z.strictObject(stepsShape).superRefine((steps, ctx) => {
    for (const type of PLAN_REQUIRED_TYPES) {
      if (!steps[type]) ctx.addIssue({ code: 'custom', path: [type], message: b(`the steps for ${type} are required`, type === 'sos' ? '须填写一键报警的处置步骤' : '须填写入侵报警的处置步骤') });
    }
  }),
  assemblyPoint: text('the assembly point', '集合点'),
  evacuationRoutes: z
    .array(text('an evacuation route', '疏散路线', PLAN_LIMITS.routeChars))
    .min(1, { error: b('name at least one evacuation route', '至少填写一条疏散路线') })
    .max(PLAN_LIMITS.routes, { error: b(`at most ${PLAN_LIMITS.routes} evacuation routes`, `疏散路线最多 ${PLAN_LIMITS.routes} 条`) }),
  nearestHospital: z.strictObject({
    name: text("the hospital's name", '医院名称', 50),
    address: text("the hospital's address", '医院地址'),
    phone: phoneSchema,
    distanceKm: z
      .number({ error: b('the distance must be a number of km', '距离须为公里数') })
      .min(0, { error: b('the distance cannot be below 0 km', '距离不能小于 0 公里') })
      .max(100, { error: b('the distance is over 100 km', '距离不能超过 100 公里') }),
  }),
}) satisfies z.ZodType<EmergencyPlan, unknown>;

const note = z.string().trim().max(PLAN_LIMITS.noteChars, { error: b(`the note is over ${PLAN_LIMITS.noteChars} characters`, `备注不能超过 ${PLAN_LIMITS.noteChars} 个字`) }).nullish();
/** The version the editor started from (null: none yet); a save over a newer version is refused (409). */
const baseVersion = z.number({ error: b('baseVersion must be a version number or null', 'baseVersion 须为版本号或 null') }).int().min(0).nullable();

/** `PUT /schools/:id/people`. */
export const peopleSaveSchema = z.strictObject({ people: schoolPeopleSchema, baseVersion, note });
/** `PUT /schools/:id/plan`. */
export const planSaveSchema = z.strictObject({ plan: emergencyPlanSchema, baseVersion, note });

const stamp = { schoolId: z.string(), version: z.number().int(), savedAt: z.string(), savedBy: z.string(), note: z.string().nullable() };
/** {@link SchoolPeopleVersion}. */
export const schoolPeopleVersionSchema = z.object({ ...stamp, people: schoolPeopleSchema }) satisfies z.ZodType<SchoolPeopleVersion, unknown>;
/** {@link EmergencyPlanVersion}. */
export const emergencyPlanVersionSchema = z.object({ ...stamp, plan: emergencyPlanSchema }) satisfies z.ZodType<EmergencyPlanVersion, unknown>;

/** A 护学岗 post covering the school and on duty today (Asia/Shanghai), with its person and windows. */
export interface GuardOnDuty {
  postId: string;
  postName: string;
  person: string;
  phone: string;
  /** Today's windows as one line, e.g. `07:00–08:00、16:30–17:30`. */
  window: string;
  windows: DutyWindow[];
}

/** The plan's part of the emergency card: the steps for the alarm's type and what goes with them. */
export interface EmergencyCardPlan {
  type: AlarmType;
  /** The steps for the type; empty when the plan has none for it. */
  steps: string[];
  assemblyPoint: string;
  evacuationRoutes: string[];
  nearestHospital: NearestHospital;
  version: number;
  savedAt: string;
  /** Saved more than {@link PLAN_MAX_AGE_DAYS} days ago. */
  stale: boolean;
  /** Whole days since the last save. */
  ageDays: number;
}

/** `GET /schools/:id/emergency-card`: what an alarm card shows of the school. */
export interface EmergencyCard {
  schoolId: string;
  schoolName: string;
  people: SchoolPeople | null;
  /** The name of the police vice-principal's unit (null without people, or when the unit is gone). */
  policeUnitName: string | null;
  guardsToday: GuardOnDuty[];
  plan: EmergencyCardPlan | null;
}

const dutyWindow = z.object({ start: z.string(), end: z.string() });
/** {@link EmergencyCard}. */
export const emergencyCardSchema = z.object({
  schoolId: z.string(),
  schoolName: z.string(),
  people: schoolPeopleSchema.nullable(),
  policeUnitName: z.string().nullable(),
  guardsToday: z.array(z.object({ postId: z.string(), postName: z.string(), person: z.string(), phone: z.string(), window: z.string(), windows: z.array(dutyWindow) })),
  plan: z
    .object({
      type: z.enum(ALARM_TYPES),
      steps: z.array(z.string()),
      assemblyPoint: z.string(),
      evacuationRoutes: z.array(z.string()),
      nearestHospital: emergencyPlanSchema.shape.nearestHospital,
      version: z.number().int(),
      savedAt: z.string(),
      stale: z.boolean(),
      ageDays: z.number().int(),
    })
    .nullable(),
}) satisfies z.ZodType<EmergencyCard, unknown>;

/** `GET /schools/:id/plan`: the current people and plan (null: none saved yet), and whether the plan is a finding. */
export interface SchoolPlanView {
  schoolId: string;
  people: SchoolPeopleVersion | null;
  plan: EmergencyPlanVersion | null;
  /** Why the plan is a compliance finding today (none, or older than a year), null when it is not. */
  finding: { zh: string; en: string } | null;
}

/** {@link SchoolPlanView}. */
export const schoolPlanViewSchema = z.object({
  schoolId: z.string(),
  people: schoolPeopleVersionSchema.nullable(),
  plan: emergencyPlanVersionSchema.nullable(),
  finding: z.object({ zh: z.string(), en: z.string() }).nullable(),
}) satisfies z.ZodType<SchoolPlanView, unknown>;

/** `GET /schools/:id/plan/history`: the saved versions, newest first. */
export interface SchoolPlanHistory {
  schoolId: string;
  people: SchoolPeopleVersion[];
  plans: EmergencyPlanVersion[];
}

/** {@link SchoolPlanHistory}. */
export const schoolPlanHistorySchema = z.object({
  schoolId: z.string(),
  people: z.array(schoolPeopleVersionSchema),
  plans: z.array(emergencyPlanVersionSchema),
}) satisfies z.ZodType<SchoolPlanHistory, unknown>;
