import { describe, expect, it } from 'vitest';
import { defaultDrillTargets } from '../../shared/drill.js';
import { drillAsOf, formatDrillClock, scoreDrill } from '../../shared/rules/drill-score.js';
import { drillAt, drillIso, drillStep, makeDrill, makeDrillAlarm } from '../../mocks/factories/drill.js';

const milestone = (score: ReturnType<typeof scoreDrill>, name: string) => score.milestones.find((m) => m.milestone === name)!;

describe(scoreDrill.name, () => {
  it('waits for the drill alarm: no clock, every timer waiting, nothing scored', () => {
    const sut = scoreDrill(makeDrill({ alarmId: null }), null, drillAt(45));
    expect(sut.clockSeconds).toBeNull();
    expect(sut.milestones.every((m) => m.phase === 'waiting' && m.outcome === 'pending')).toBe(true);
    expect(sut.timeline.map((e) => e.at)).toEqual([null, null, null, null, null, null]);
    expect(sut.total).toBe(0);
    expect(sut.maxTotal).toBe(100);
  });

  it('runs the timers on the pinned clock, green → amber → red, from the stored raise step', () => {
    const drill = makeDrill();
    const alarm = makeDrillAlarm();
    expect(milestone(scoreDrill(drill, alarm, drillAt(47)), 'acknowledged')).toMatchObject({ phase: 'running', elapsedSeconds: 47, level: 'ok', outcome: 'pending' });
    expect(milestone(scoreDrill(drill, alarm, drillAt(48)), 'acknowledged').level).toBe('warn');
    // The target itself is still in time ("within 1 minute"); one second more is late.
    expect(milestone(scoreDrill(drill, alarm, drillAt(60)), 'acknowledged').level).toBe('warn');
    expect(milestone(scoreDrill(drill, alarm, drillAt(61)), 'acknowledged').level).toBe('late');
    expect(scoreDrill(drill, alarm, drillAt(125)).clockSeconds).toBe(125);
  });

  it('freezes a timer when its step is stored and scores on time, late and missed', () => {
    const alarm = makeDrillAlarm([
      drillStep('ack', 'new', 'acknowledged', 42),
      drillStep('dispatch', 'acknowledged', 'dispatched', 150), // target 120: late, half points
      drillStep('arrive', 'dispatched', 'on_scene', 170),
    ]);
    const drill = makeDrill({ state: 'ended', endedBy: '李敏', endedAt: drillIso(400) });
    const sut = scoreDrill(drill, alarm, drillAt(10_000));

    expect(milestone(sut, 'acknowledged')).toMatchObject({ phase: 'met', elapsedSeconds: 42, level: 'ok', outcome: 'on_time', points: 15 });
    expect(milestone(sut, 'dispatched')).toMatchObject({ phase: 'met', elapsedSeconds: 150, level: 'late', outcome: 'late', points: 7 });
    expect(milestone(sut, 'on_scene')).toMatchObject({ phase: 'met', elapsedSeconds: 170, level: 'warn', outcome: 'on_time', points: 15 });
    // Never resolved before the drill ended: stopped at the end, missed.
    expect(milestone(sut, 'handled')).toMatchObject({ phase: 'stopped', elapsedSeconds: 400, outcome: 'missed', points: 0 });
    // The clock froze at the end, whatever `now` says.
    expect(sut.clockSeconds).toBe(400);
    expect(sut.final).toBe(true);
    expect(sut.milestonePoints).toBe(37);
  });

  it('takes each milestone from the first stored step that reaches it, an implicit acknowledgement included', () => {
    const alarm = makeDrillAlarm([
      drillStep('ack', 'new', 'acknowledged', 30, '王强'),
      drillStep('dispatch', 'acknowledged', 'dispatched', 30, '王强'),
      drillStep('dispatch', 'dispatched', 'dispatched', 90, '赵磊'), // a re-dispatch does not move the milestone
    ]);
    const sut = scoreDrill(makeDrill(), alarm, drillAt(100));
    expect(sut.timeline.slice(0, 3)).toEqual([
      { milestone: 'initiated', at: drillIso(0), actor: 'device:SOS-S0001-1', source: 'device', offsetSeconds: 0 },
      { milestone: 'acknowledged', at: drillIso(30), actor: '王强', source: 'console', offsetSeconds: 30 },
      { milestone: 'dispatched', at: drillIso(30), actor: '王强', source: 'console', offsetSeconds: 30 },
    ]);
  });

  it('credits the drill screen and its operator when the start raised the alarm', () => {
    const alarm = makeDrillAlarm([], { transitions: [drillStep('raise', null, 'new', 0, 'device:SOS-S0001-1')] });
    const sut = scoreDrill(makeDrill({ alarmOrigin: 'drill_screen' }), alarm, drillAt(5));
    expect(sut.timeline[0]).toMatchObject({ milestone: 'initiated', actor: '李敏', source: 'drill_screen' });
  });

  it('stops the remaining timers when the alarm closes without them (a false alarm)', () => {
    const alarm = makeDrillAlarm([drillStep('ack', 'new', 'acknowledged', 20), drillStep('false_alarm', 'acknowledged', 'false_alarm', 80)]);
    const sut = scoreDrill(makeDrill(), alarm, drillAt(500));
    expect(milestone(sut, 'dispatched')).toMatchObject({ phase: 'stopped', elapsedSeconds: 80, outcome: 'missed' });
    expect(milestone(sut, 'acknowledged').outcome).toBe('on_time');
  });

  it('adds the points of the checked checklist items to the total', () => {
    const drill = makeDrill({ state: 'ended', endedBy: '李敏', endedAt: drillIso(900) });
    drill.checklist = drill.checklist.map((item) => (item.id === 'gate_sealed' || item.id === 'police_arrived' ? { ...item, checkedBy: '观察员', checkedAt: drillIso(100) } : item));
    const alarm = makeDrillAlarm([
      drillStep('ack', 'new', 'acknowledged', 10),
      drillStep('dispatch', 'acknowledged', 'dispatched', 20),
      drillStep('arrive', 'dispatched', 'on_scene', 100),
      drillStep('resolve', 'on_scene', 'resolved', 600),
    ]);
    const sut = scoreDrill(drill, alarm, drillAt(900));
    expect(sut).toMatchObject({ milestonePoints: 60, checklistPoints: 14, checklistMaxPoints: 40, checked: 2, total: 74, maxTotal: 100 });
    expect(sut.timeline.at(-1)).toEqual({ milestone: 'ended', at: drillIso(900), actor: '李敏', source: 'drill_screen', offsetSeconds: 900 });
  });

  it('uses the 1-3-5 targets by district: on scene 3 min in the city, 5 elsewhere', () => {
    expect(defaultDrillTargets('city')).toEqual({ acknowledged: 60, dispatched: 120, on_scene: 180, handled: 780 });
    expect(defaultDrillTargets('town').on_scene).toBe(300);
    expect(defaultDrillTargets('rural').on_scene).toBe(300);
  });
});

describe(formatDrillClock.name, () => {
  it('writes T+mm:ss, minutes past the hour folded in', () => {
    expect(formatDrillClock(null)).toBe('T+--:--');
    expect(formatDrillClock(65)).toBe('T+01:05');
    expect(formatDrillClock(3725)).toBe('T+62:05');
  });
});

describe(drillAsOf.name, () => {
  it('replays a step: later steps, ticks and the end undone, so the clock and timers read as they did then', () => {
    const drill = makeDrill({ state: 'ended', endedBy: '李敏', endedAt: drillIso(500) });
    drill.checklist = drill.checklist.map((item) => (item.id === 'gate_sealed' ? { ...item, checkedBy: '观察员', checkedAt: drillIso(200) } : item));
    const alarm = makeDrillAlarm([drillStep('ack', 'new', 'acknowledged', 30), drillStep('dispatch', 'acknowledged', 'dispatched', 100), drillStep('resolve', 'dispatched', 'resolved', 400)]);

    const sut = drillAsOf(drill, alarm, drillAt(100));
    expect(sut.drill).toMatchObject({ state: 'running', endedAt: null });
    expect(sut.drill.checklist.every((item) => item.checkedAt === null)).toBe(true);
    expect(sut.alarm?.state).toBe('dispatched');
    const score = scoreDrill(sut.drill, sut.alarm, drillAt(100));
    expect(score.clockSeconds).toBe(100);
    expect(score.milestones.map((m) => m.phase)).toEqual(['met', 'met', 'running', 'running']);
    expect(score.final).toBe(false);

    const atEnd = drillAsOf(drill, alarm, drillAt(500));
    expect(scoreDrill(atEnd.drill, atEnd.alarm, drillAt(500))).toMatchObject({ final: true, checklistPoints: 8, clockSeconds: 500 });
  });
});
