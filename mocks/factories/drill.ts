import type { Alarm, AlarmState, AlarmTransition } from '../../shared/domain/index.js';
import { DEFAULT_DRILL_CHECKLIST, defaultDrillTargets, type Drill } from '../../shared/drill.js';

/** T+0 of the factory drills: when their alarm was stored. */
export const DRILL_T0 = '2025-03-02T08:00:00.000Z';

/** An instant `seconds` after DRILL_T0, as ms. */
export const drillAt = (seconds: number): number => Date.parse(DRILL_T0) + seconds * 1000;
/** An instant `seconds` after DRILL_T0, as ISO text. */
export const drillIso = (seconds: number): string => new Date(drillAt(seconds)).toISOString();

/** A stored alarm step `seconds` after T+0; the device raises, people do the rest. */
export function drillStep(action: string, from: AlarmState | null, to: AlarmState, seconds: number, actor = action === 'raise' ? 'device:SOS-S0001-1' : '张伟'): AlarmTransition {
  return { action, from, to, actor, at: drillIso(seconds), note: null, ...(action === 'dispatch' ? { unitId: 'PP-0001' } : {}) };
}

/** A drill alarm at school S0001 (新华区, urban), raised at T+0, with the given later steps. */
export function makeDrillAlarm(steps: AlarmTransition[] = [], overrides: Partial<Alarm> = {}): Alarm {
  const transitions = [drillStep('raise', null, 'new', 0), ...steps];
  const last = transitions[transitions.length - 1]!;
  return {
    id: 'A-DRILL-1',
    type: 'sos',
    priority: 1,
    state: last.to,
    schoolId: 'S0001',
    deviceId: 'SOS-S0001-1',
    districtCode: '410402',
    openedAt: DRILL_T0,
    receivedAt: DRILL_T0,
    updatedAt: last.at,
    count: 1,
    lastSeenAt: DRILL_T0,
    drill: true,
    unitId: null,
    disposition: null,
    transitions,
    ...overrides,
  };
}

/** A running drill at S0001 started 30 s before T+0, with the default targets (60/120/180/780 s) and checklist. */
export function makeDrill(overrides: Partial<Drill> = {}): Drill {
  return {
    id: 'D-1',
    schoolId: 'S0001',
    districtCode: '410402',
    scenario: '持刀人员闯入校门',
    participants: '门卫 2 人，初一年级',
    plannedFor: drillIso(-600),
    lengthMinutes: 45,
    targets: defaultDrillTargets('city'),
    state: 'running',
    createdBy: '李敏',
    createdAt: drillIso(-3600),
    startedBy: '李敏',
    startedAt: drillIso(-30),
    endedBy: null,
    endedAt: null,
    cancelNote: null,
    alarmId: 'A-DRILL-1',
    alarmOrigin: 'device',
    checklist: DEFAULT_DRILL_CHECKLIST.map((item) => ({ ...item, checkedBy: null, checkedAt: null })),
    recordId: null,
    endReason: null,
    notes: [],
    ...overrides,
  };
}
