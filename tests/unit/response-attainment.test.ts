import { describe, expect, it } from 'vitest';
import type { Alarm, AlarmTransition, SchoolSetting } from '../../shared/domain/index.js';
import { alarmLoad } from '../../shared/rules/alarm-load.js';
import { responseAttainment } from '../../shared/rules/response-attainment.js';
import { DEFAULT_RESPONSE_TARGETS, priorityTargets } from '../../shared/rules/response.js';

const T0 = Date.parse('2026-11-30T23:35:00Z'); // 07:35 Asia/Shanghai, the morning peak
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

let next = 0;
/** A P1 SOS at `school` received at 0, acknowledged and on scene after the seconds given (null: not yet). */
function sos(school: string, district: string, ackAfter: number | null, sceneAfter: number | null, overrides: Partial<Alarm> = {}): Alarm {
  const transitions: AlarmTransition[] = [];
  if (ackAfter !== null) transitions.push({ action: 'ack', from: 'new', to: 'acknowledged', actor: 'op', at: at(ackAfter), note: null });
  if (sceneAfter !== null) transitions.push({ action: 'arrive', from: 'dispatched', to: 'on_scene', actor: 'op', at: at(sceneAfter), note: null });
  return {
    id: `A${next++}`, type: 'sos', priority: 1, state: sceneAfter !== null ? 'on_scene' : ackAfter !== null ? 'acknowledged' : 'new', schoolId: school, deviceId: `SOS-${school}`, districtCode: district,
    openedAt: at(0), receivedAt: at(0), updatedAt: at(0), lastSeenAt: at(0), count: 1, drill: false, unitId: null, disposition: null, transitions, ...overrides,
  };
}

const SETTINGS: Record<string, SchoolSetting> = { CITY_IN_COUNTY: 'city', TOWN_IN_CITY: 'town', RURAL: 'rural', CITY: 'city' };
const settingOf = (alarm: Alarm): SchoolSetting => SETTINGS[alarm.schoolId] ?? 'rural';
const attain = (alarms: Alarm[], atSecond = 3600) => responseAttainment({ alarms, targets: DEFAULT_RESPONSE_TARGETS, settingOf, at: at(atSecond) });

describe(`${responseAttainment.name} (DESIGN 1-3-5: "acknowledge within 1 minute, a unit on scene within 3 minutes in the city (5 elsewhere)")`, () => {
  it('"acknowledge within 1 minute": 60 s meets it, 61 s does not', () => {
    const sut = attain([sos('CITY', '410402', 60, 100), sos('CITY', '410402', 61, 100)]);
    expect(sut.all.acknowledge).toEqual({ due: 2, met: 1, share: 0.5 });
  });

  it('"on scene within 3 minutes in the city": a city-setting school in a county (鲁山县) is held to 180 s, not 300', () => {
    const sut = attain([sos('CITY_IN_COUNTY', '410423', 30, 180), sos('CITY_IN_COUNTY', '410423', 30, 181)]);
    expect(sut.all.onScene).toEqual({ due: 2, met: 1, share: 0.5 });
    expect(sut.byDistrictSetting).toEqual([expect.objectContaining({ key: '410423:city', alarms: 2 })]);
  });

  it('"(5 elsewhere)": a town-setting school in a city district (新华区) gets 300 s; a rural one too', () => {
    const sut = attain([sos('TOWN_IN_CITY', '410402', 30, 300), sos('RURAL', '410423', 30, 300), sos('RURAL', '410423', 30, 301)]);
    expect(sut.bySetting.map((s) => [s.key, s.onScene.met, s.onScene.due])).toEqual([['town', 1, 1], ['rural', 1, 2]]);
    expect(sut.byDistrict.map((s) => [s.key, s.onScene.share])).toEqual([['410402', 1], ['410423', 0.5]]);
  });

  it('counts an open alarm past its target as missed, one still within it as not yet due, and a false alarm closed before a unit went as neither', () => {
    const waiting = sos('CITY', '410402', 20, null);
    const overdue = sos('CITY', '410402', null, null);
    const falseAlarm = sos('CITY', '410402', 20, null, { state: 'false_alarm' });
    const sut = attain([waiting, overdue, falseAlarm], 120);
    expect(sut.all.acknowledge).toEqual({ due: 3, met: 2, share: 0.6667 });
    expect(sut.all.onScene).toEqual({ due: 0, met: 0, share: null });
    expect(attain([waiting], 181).all.onScene).toEqual({ due: 1, met: 0, share: 0 });
  });

  it('leaves out drills and P3/P4 alarms, and follows configured targets', () => {
    const drill = sos('CITY', '410402', 10, 10, { drill: true });
    const p3 = sos('CITY', '410402', 10, null, { priority: 3, type: 'post_absent' });
    expect(attain([drill, p3]).all.alarms).toBe(0);
    const targets = { ...DEFAULT_RESPONSE_TARGETS, 1: priorityTargets(90, { city: 240, town: 300, rural: 360 }) };
    const sut = responseAttainment({ alarms: [sos('RURAL', '410423', 90, 360)], targets, settingOf, at: at(3600) });
    expect([sut.all.acknowledge.share, sut.all.onScene.share]).toEqual([1, 1]);
  });

  it('is the attainment the alarm-load figures (/alarms/stats) carry', () => {
    const alarms = [sos('CITY_IN_COUNTY', '410423', 30, 200), sos('RURAL', '410423', 30, 200)];
    const load = alarmLoad({ alarms, from: at(-60), to: at(3600), operators: 1, settingOf });
    expect(load.attainment).toEqual(attain(alarms));
    expect(load.attainment.all.onScene).toEqual({ due: 2, met: 1, share: 0.5 });
  });
});
