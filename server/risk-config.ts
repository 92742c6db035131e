import { z } from 'zod';
import { RISK_FACTORS, type RiskFactor } from '../shared/risk.js';
import { DEFAULT_RISK_MODEL, RISK_ALARM_TYPES, type RiskModel } from '../shared/rules/risk.js';

/** Points: a number from 0 to 1,000. */
const pts = z.number().min(0).max(1000);

/**
 * `XIAOAN_RISK_MODEL`: JSON of the parts of the risk model to change (docs/risk.md), each merged
 * over the default (`{"levels":{"red":60}}` changes the red threshold only). Unknown keys are refused.
 */
const riskModelPatch = z.strictObject({
  windowDays: z.number().int().min(1).max(90).optional(),
  alarmPoints: z.strictObject(Object.fromEntries(RISK_ALARM_TYPES.map((t) => [t, pts.optional()])) as Record<(typeof RISK_ALARM_TYPES)[number], z.ZodOptional<typeof pts>>).optional(),
  falseAlarms: z.strictObject({ minAlarms: z.number().int().min(1).max(1000).optional(), points: pts.optional() }).optional(),
  hazards: z.strictObject({ openPoints: pts.optional(), overduePoints: pts.optional(), majorFactor: z.number().min(1).max(10).optional() }).optional(),
  cameraHourPoints: z.strictObject({ gate: pts.optional(), other: pts.optional() }).optional(),
  guards: z.strictObject({ absencePoints: pts.optional(), latePoints: pts.optional() }).optional(),
  patrolMissedPoints: pts.optional(),
  compliancePoints: pts.optional(),
  drills: z.strictObject({ graceDays: z.number().int().min(0).max(366).optional(), points: pts.optional() }).optional(),
  caps: z.strictObject(Object.fromEntries(RISK_FACTORS.map((f) => [f, pts.optional()])) as Record<RiskFactor, z.ZodOptional<typeof pts>>).optional(),
  levels: z.strictObject({ red: z.number().int().min(1).max(10_000).optional(), orange: z.number().int().min(1).max(10_000).optional(), yellow: z.number().int().min(1).max(10_000).optional() }).optional(),
});

/** Drops the keys whose value is undefined (zod's optional output) so a spread keeps the default. */
function defined<T extends object>(patch: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(patch ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The model in force: the default with the JSON's parts merged over it; throws a readable message on nonsense. */
export function parseRiskModel(text: string | undefined): RiskModel {
  if (!text) return DEFAULT_RISK_MODEL;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('Invalid configuration: XIAOAN_RISK_MODEL: is not JSON');
  }
  const parsed = riskModelPatch.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid configuration: XIAOAN_RISK_MODEL: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const p = parsed.data;
  const d = DEFAULT_RISK_MODEL;
  const model: RiskModel = {
    windowDays: p.windowDays ?? d.windowDays,
    alarmPoints: { ...d.alarmPoints, ...defined(p.alarmPoints) },
    falseAlarms: { ...d.falseAlarms, ...defined(p.falseAlarms) },
    hazards: { ...d.hazards, ...defined(p.hazards) },
    cameraHourPoints: { ...d.cameraHourPoints, ...defined(p.cameraHourPoints) },
    guards: { ...d.guards, ...defined(p.guards) },
    patrolMissedPoints: p.patrolMissedPoints ?? d.patrolMissedPoints,
    compliancePoints: p.compliancePoints ?? d.compliancePoints,
    drills: { ...d.drills, ...defined(p.drills) },
    caps: { ...d.caps, ...defined(p.caps) },
    levels: { ...d.levels, ...defined(p.levels) },
  };
  const { red, orange, yellow } = model.levels;
  if (!(red > orange && orange > yellow)) throw new Error(`Invalid configuration: XIAOAN_RISK_MODEL: levels must rise yellow < orange < red (now ${yellow} / ${orange} / ${red})`);
  return model;
}
