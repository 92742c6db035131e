import { z } from 'zod';
import { localDate } from './compliance.js';
import { DISTRICT_CODES } from './domain/districts.js';
import { bilingual as b } from './zod-text.js';

/**
 * 二(五)2: 市、县教体、公安部门每学期至少开展两次校园及周边地区安全检查和督导，并及时在市、县范围通报检查情况。
 * An inspection campaign (检查督导) is a duty of a department (教体 education, 公安 police) at a
 * level (the city, or one county-level district), counted per term; its circular (通报) tells the
 * city or county what was found, school by school (issue 15).
 */
export const INSPECTION_DEPARTMENTS = ['education', 'police'] as const;
/** The department that holds the duty. */
export type InspectionDepartment = (typeof INSPECTION_DEPARTMENTS)[number];
export const INSPECTION_LEVELS = ['city', 'county'] as const;
/** 市级 or 县级 (a county, county-level city or city district). */
export type InspectionLevel = (typeof INSPECTION_LEVELS)[number];

/** Bounds of one campaign. */
export const INSPECTION_LIMITS = { schools: 4000, findings: 2000, title: 100, finding: 500, circular: 20_000 } as const;

/** A problem found at one school. */
export interface InspectionFinding {
  schoolId: string;
  text: string;
}

/** The circular (通报) of a campaign: published on a date, its text, and the findings per school as they stood. */
export interface InspectionCircular {
  /** Local date `YYYY-MM-DD`. */
  publishedAt: string;
  publishedBy: string;
  text: string;
  findings: InspectionFinding[];
}

/** A term (学期), local dates inclusive. */
export interface TermSpan {
  start: string;
  end: string;
}

/** One inspection campaign as stored and answered. */
export interface InspectionCampaign {
  id: string;
  department: InspectionDepartment;
  level: InspectionLevel;
  /** The county's district for `county`; null for the city. */
  districtCode: string | null;
  /** The term the campaign's start date falls in. */
  term: TermSpan;
  title: string;
  startDate: string;
  endDate: string;
  schoolIds: string[];
  findings: InspectionFinding[];
  recordedBy: string;
  recordedAt: string;
  circular: InspectionCircular | null;
}

/** Where one department's duty stands for a term at one level. */
export type InspectionDutyStatus = 'ok' | 'short' | 'no_circular' | 'pending';

/** One duty: a department at the city or in a county, for a term. */
export interface InspectionDuty {
  department: InspectionDepartment;
  level: InspectionLevel;
  districtCode: string | null;
  /** Campaigns started in the term (up to the date judged). */
  held: number;
  /** Of those, the ones whose circular was published. */
  circulated: number;
  status: InspectionDutyStatus;
}

/** `GET /inspections`: the term's campaigns and duties within the person's scope. */
export interface InspectionList {
  term: TermSpan & { running: boolean };
  campaigns: InspectionCampaign[];
  duties: InspectionDuty[];
}

const text = (what: string, zh: string, max: number) =>
  z
    .string({ error: b(`${what} must be text`, `${zh}须为文字`) })
    .trim()
    .min(1, { error: b(`${what} is required`, `${zh}必填`) })
    .max(max, { error: b(`${what} is over ${max} characters`, `${zh}不能超过 ${max} 个字`) });
const schoolId = z.string({ error: b('a school id must be text', '学校编号须为文字') }).trim().regex(/^S\d{4,6}$/, { error: b('must be a school id such as S0001', '须为学校编号，如 S0001') });

const findingSchema = z.strictObject({ schoolId, text: text('finding', '问题', INSPECTION_LIMITS.finding) });

/** `POST /inspections`: a campaign as recorded (the term is the one its start date falls in). */
export const inspectionInputSchema = z
  .strictObject({
    department: z.enum(INSPECTION_DEPARTMENTS, { error: b('department must be education or police', '部门须为 education（教体）或 police（公安）') }),
    level: z.enum(INSPECTION_LEVELS, { error: b('level must be city or county', '层级须为 city（市级）或 county（县级）') }),
    districtCode: z.enum(DISTRICT_CODES, { error: b('districtCode must be a district of the city', 'districtCode 须为本市的县（市、区）代码') }).nullable().default(null),
    title: text('title', '检查名称', INSPECTION_LIMITS.title),
    startDate: localDate,
    endDate: localDate,
    schoolIds: z
      .array(schoolId, { error: b('schoolIds must be a list', '检查学校须为列表') })
      .min(1, { error: b('name at least one school inspected', '至少填写一所检查学校') })
      .max(INSPECTION_LIMITS.schools, { error: b(`at most ${INSPECTION_LIMITS.schools} schools`, `最多 ${INSPECTION_LIMITS.schools} 所学校`) }),
    findings: z.array(findingSchema, { error: b('findings must be a list', '发现问题须为列表') }).max(INSPECTION_LIMITS.findings, { error: b(`at most ${INSPECTION_LIMITS.findings} findings`, `最多 ${INSPECTION_LIMITS.findings} 条问题`) }).default([]),
  })
  .superRefine((input, ctx) => {
    if (input.endDate < input.startDate) ctx.addIssue({ code: 'custom', path: ['endDate'], message: b('the end date is before the start date', '结束日期早于开始日期') });
    if (input.level === 'county' && input.districtCode === null) ctx.addIssue({ code: 'custom', path: ['districtCode'], message: b('a county inspection names its district', '县级检查须填写县（市、区）') });
    if (input.level === 'city' && input.districtCode !== null) ctx.addIssue({ code: 'custom', path: ['districtCode'], message: b('a city inspection names no district', '市级检查不填写县（市、区）') });
    const inspected = new Set(input.schoolIds);
    input.findings.forEach((f, i) => {
      if (!inspected.has(f.schoolId)) ctx.addIssue({ code: 'custom', path: ['findings', i, 'schoolId'], message: b('a finding names a school that was not inspected', '问题所属学校不在检查学校之列') });
    });
  });
/** What `POST /inspections` takes. */
export type InspectionInput = z.output<typeof inspectionInputSchema>;

/** `PUT /inspections/:id/circular`: publish the circular (once). */
export const circularInputSchema = z.strictObject({ publishedAt: localDate, text: text('circular text', '通报正文', INSPECTION_LIMITS.circular) });
/** What `PUT /inspections/:id/circular` takes. */
export type CircularInput = z.output<typeof circularInputSchema>;

/** `GET /inspections`: a date within the term (default today), and filters. */
export const inspectionListQuery = z.object({
  term: localDate.optional(),
  department: z.enum(INSPECTION_DEPARTMENTS, { error: b('department must be education or police', '部门须为 education 或 police') }).optional(),
  districtCode: z.enum(DISTRICT_CODES, { error: b('districtCode must be a district of the city', 'districtCode 须为本市的县（市、区）代码') }).optional(),
});

const termSchema = z.object({ start: z.string(), end: z.string() });
const findingAnswer = z.object({ schoolId: z.string(), text: z.string() });
/** A campaign as answered. */
export const inspectionCampaignSchema = z.object({
  id: z.string(),
  department: z.enum(INSPECTION_DEPARTMENTS),
  level: z.enum(INSPECTION_LEVELS),
  districtCode: z.string().nullable(),
  term: termSchema,
  title: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  schoolIds: z.array(z.string()),
  findings: z.array(findingAnswer),
  recordedBy: z.string(),
  recordedAt: z.string(),
  circular: z.object({ publishedAt: z.string(), publishedBy: z.string(), text: z.string(), findings: z.array(findingAnswer) }).nullable(),
}) satisfies z.ZodType<InspectionCampaign>;

/** `GET /inspections`. */
export const inspectionListSchema = z.object({
  term: termSchema.extend({ running: z.boolean() }),
  campaigns: z.array(inspectionCampaignSchema),
  duties: z.array(z.object({
    department: z.enum(INSPECTION_DEPARTMENTS), level: z.enum(INSPECTION_LEVELS), districtCode: z.string().nullable(),
    held: z.number(), circulated: z.number(), status: z.enum(['ok', 'short', 'no_circular', 'pending']),
  })),
}) satisfies z.ZodType<InspectionList>;
