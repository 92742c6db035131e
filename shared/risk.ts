import { z } from 'zod';
import { ALARM_TYPES, type AlarmType } from './domain/alarm.js';
import { DISTRICT_CODES } from './domain/districts.js';
import { SCHOOL_SETTINGS, SCHOOL_STAGES, type SchoolSetting, type SchoolStage } from './domain/entities.js';
import { bilingual as b } from './zod-text.js';

/**
 * The school risk list (风险清单, issue 15 items 1–2): each school's score, its level and every
 * contribution that makes it up, as the server computes it (shared/rules/risk.ts `scoreSchool`,
 * server/services/risk.service.ts) and the routes, the socket and the report read it. docs/risk.md
 * describes the model, its weights and a worked example.
 */

/** Levels, highest first: 红 red, 橙 orange, 黄 yellow, 蓝 blue (low). */
export const RISK_LEVELS = ['red', 'orange', 'yellow', 'blue'] as const;
/** A risk level. */
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** The Chinese and English name of each level (a screen shows the one of its language). */
export const RISK_LEVEL_NAMES: Record<RiskLevel, { zh: string; en: string }> = {
  red: { zh: '红色', en: 'Red' },
  orange: { zh: '橙色', en: 'Orange' },
  yellow: { zh: '黄色', en: 'Yellow' },
  blue: { zh: '蓝色', en: 'Blue' },
};

/** A level's rank: 3 red … 0 blue (compare levels, sort by level). */
export function riskLevelRank(level: RiskLevel): number {
  return RISK_LEVELS.length - 1 - RISK_LEVELS.indexOf(level);
}

/**
 * What a contribution is about:
 * - `alarms`: real alarms (not drills, not false) of one type in the window (`alarmType`, `count`, `days`);
 * - `false_alarms`: the school's false-alarm rate in the window (`count` false of `total`, `rate`, `days`);
 * - `hazards_open`: hazards (隐患) open within their deadline (`count`);
 * - `hazards_overdue`: hazards open past their deadline (`count`, `days` the oldest is overdue);
 * - `camera_downtime`: camera hours offline or faulty in the window (`hours`, `count` cameras, `place`: `gate` or `other`);
 * - `guard_absence`: 护学岗 duty windows missed in the window (`count` of `total`, `days`);
 * - `guard_late`: 护学岗 duty windows started late (`count` of `total`, `days`);
 * - `patrol_missed`: patrol rounds missed (`count` of `total`, `days`);
 * - `compliance`: 附件3 items not met against the plan's phased target in force (`count` of `total`);
 * - `drills_overdue`: no drill in the current term (每学期至少1次): `days` since the last (null: never) (`lastDate`).
 */
export const RISK_FACTORS = [
  'alarms', 'false_alarms', 'hazards_open', 'hazards_overdue', 'camera_downtime',
  'guard_absence', 'guard_late', 'patrol_missed', 'compliance', 'drills_overdue',
] as const;
/** A risk factor. */
export type RiskFactor = (typeof RISK_FACTORS)[number];

/** The figures a contribution is shown with ("3 intrusion alarms in 14 days (+18)"); which are present depends on the factor. */
export interface RiskFigures {
  /** How many (alarms, hazards, cameras, duty windows, rounds, items). */
  count?: number;
  /** Of how many (alarms in all, duty windows due, rounds due, items judged). */
  total?: number;
  /** The window in days, or days overdue / since the last drill. */
  days?: number;
  /** Hours (camera downtime). */
  hours?: number;
  /** A share 0–1 (false-alarm rate). */
  rate?: number;
  /** The alarm type of an `alarms` contribution. */
  alarmType?: AlarmType;
  /** Where the cameras are (`gate`: the gate camera, weighted higher). */
  place?: 'gate' | 'other';
  /** The last drill's local date (`YYYY-MM-DD`); null: none on record. */
  lastDate?: string | null;
}

/** One part of a score: which factor, how many points, and the figures that earned them. */
export interface RiskContribution {
  factor: RiskFactor;
  /** Whole points (the score is their sum). */
  points: number;
  figures: RiskFigures;
}

/** A school's current risk: score = Σ contributions' points; level from the thresholds in force. */
export interface SchoolRisk {
  schoolId: string;
  score: number;
  level: RiskLevel;
  /** Highest points first; empty for a score of 0. */
  contributions: RiskContribution[];
  /** When it was computed (ISO). */
  computedAt: string;
}

/** A row of the risk list: the school's risk with what a list shows of the school. */
export interface RiskListRow extends SchoolRisk {
  schoolName: string;
  districtCode: string;
  stage: SchoolStage;
  setting: SchoolSetting;
  /** The level before the last change (null: it has not changed since the server started or the history began). */
  previousLevel: RiskLevel | null;
  /** Since when the school has been at its level (ISO); null when unknown. */
  levelSince: string | null;
}

/** One point of a school's score history (kept on each change of level and once a day). */
export interface RiskHistoryPoint {
  at: string;
  score: number;
  level: RiskLevel;
}

/** One cell of the heat grid: its centre and its weight (0–1, the cell's share of the highest cell). */
export interface RiskHeatCell {
  lat: number;
  lng: number;
  weight: number;
  /** Schools in the cell and the sum of their scores (for a tooltip). */
  schools: number;
  score: number;
}

/** `GET /risk/heat`: the grid over the city (cells of about `cellKm`), only cells with a score. */
export interface RiskHeat {
  computedAt: string;
  cellKm: number;
  /** Degrees of latitude and longitude per cell. */
  cellLat: number;
  cellLng: number;
  /** The highest cell's summed score (weight 1). */
  maxScore: number;
  cells: RiskHeatCell[];
}

/** Socket `risk:level`: a school's level changed (a school turning red is announced on the wall). */
export interface RiskLevelChange {
  schoolId: string;
  schoolName: string;
  districtCode: string;
  /**
   * The level before (the newest stored one after a restart; blue for a school never scored above
   * it). Kept nullable for a client that did not know the school.
   */
  from: RiskLevel | null;
  to: RiskLevel;
  score: number;
  at: string;
  contributions: RiskContribution[];
}

/* ---- zod schemas of the answers and queries ---- */

export const riskLevelSchema = z.enum(RISK_LEVELS, { error: b(`level must be one of ${RISK_LEVELS.join(', ')}`, `level 须为 ${RISK_LEVELS.join('、')} 之一`) });

export const riskFiguresSchema = z.object({
  count: z.number().optional(),
  total: z.number().optional(),
  days: z.number().optional(),
  hours: z.number().optional(),
  rate: z.number().optional(),
  alarmType: z.enum(ALARM_TYPES).optional(),
  place: z.enum(['gate', 'other']).optional(),
  lastDate: z.string().nullable().optional(),
}) satisfies z.ZodType<RiskFigures>;

export const riskContributionSchema = z.object({
  factor: z.enum(RISK_FACTORS),
  points: z.number(),
  figures: riskFiguresSchema,
}) satisfies z.ZodType<RiskContribution>;

export const schoolRiskSchema = z.object({
  schoolId: z.string(),
  score: z.number(),
  level: riskLevelSchema,
  contributions: z.array(riskContributionSchema),
  computedAt: z.string(),
}) satisfies z.ZodType<SchoolRisk>;

export const riskListRowSchema = schoolRiskSchema.extend({
  schoolName: z.string(),
  districtCode: z.string(),
  stage: z.enum(SCHOOL_STAGES),
  setting: z.enum(SCHOOL_SETTINGS),
  previousLevel: riskLevelSchema.nullable(),
  levelSince: z.string().nullable(),
}) satisfies z.ZodType<RiskListRow>;

export const riskHistoryPointSchema = z.object({ at: z.string(), score: z.number(), level: riskLevelSchema }) satisfies z.ZodType<RiskHistoryPoint>;

export const riskHeatSchema = z.object({
  computedAt: z.string(),
  cellKm: z.number(),
  cellLat: z.number(),
  cellLng: z.number(),
  maxScore: z.number(),
  cells: z.array(z.object({ lat: z.number(), lng: z.number(), weight: z.number(), schools: z.number(), score: z.number() })),
}) satisfies z.ZodType<RiskHeat>;

/** How the risk list can be sorted: score (highest first, the default) or lowest first, by name, by district. */
export const RISK_SORTS = ['score_desc', 'score_asc', 'name', 'district'] as const;
export type RiskSort = (typeof RISK_SORTS)[number];

/** `GET /risk/schools`: filters (each optional), sort and page. */
export const riskListQuery = z.object({
  district: z.enum(DISTRICT_CODES, { error: b('district must be a district code of the city', 'district 须为本市的区县代码') }).optional(),
  stage: z.enum(SCHOOL_STAGES, { error: b(`stage must be one of ${SCHOOL_STAGES.join(', ')}`, `stage 须为 ${SCHOOL_STAGES.join('、')} 之一`) }).optional(),
  level: riskLevelSchema.optional(),
  sort: z.enum(RISK_SORTS, { error: b(`sort must be one of ${RISK_SORTS.join(', ')}`, `sort 须为 ${RISK_SORTS.join('、')} 之一`) }).default('score_desc'),
  limit: z.coerce.number({ error: b('limit must be a number', 'limit 须为数字') }).int().min(1).max(5000).default(200),
  offset: z.coerce.number({ error: b('offset must be a number', 'offset 须为数字') }).int().min(0).max(1_000_000).default(0),
});

/** `GET /risk/schools`: the page of rows, the count of schools matching, and the counts by level of those in scope and filter. */
export const riskListSchema = z.object({
  computedAt: z.string(),
  total: z.number(),
  counts: z.object({ red: z.number(), orange: z.number(), yellow: z.number(), blue: z.number() }),
  rows: z.array(riskListRowSchema),
});
export type RiskList = z.infer<typeof riskListSchema>;

/** `GET /risk/schools/:id`: how many days of history (default 30, at most 366). */
export const riskSchoolQuery = z.object({
  days: z.coerce.number({ error: b('days must be a number', 'days 须为数字') }).int().min(1).max(366).default(30),
});

/** `GET /risk/schools/:id`: the school's current risk and its history, oldest first. */
export const riskSchoolSchema = z.object({
  risk: riskListRowSchema,
  history: z.array(riskHistoryPointSchema),
});
export type RiskSchool = z.infer<typeof riskSchoolSchema>;

/** `GET /risk/heat`: optional district filter (a district user always gets their own). */
export const riskHeatQuery = z.object({
  district: z.enum(DISTRICT_CODES, { error: b('district must be a district code of the city', 'district 须为本市的区县代码') }).optional(),
});
