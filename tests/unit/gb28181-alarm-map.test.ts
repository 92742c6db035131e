import { describe, expect, it } from 'vitest';
import type { Device, DeviceKind } from '../../shared/domain/entities.js';
import { ingestEventSchema, sentBy } from '../../shared/ingest.js';
import { MAX_ZONE_CHARS, alarmToEvent, gbAlarmWords } from '../../server/gb28181/alarm-map.js';
import type { AlarmMessage } from '../../server/gb28181/manscdp.js';

const RECEIVED = new Date('2026-12-04T00:00:05.000Z');

const device = (kind: DeviceKind): Device => ({
  id: `DEV-${kind}`, kind, schoolId: 'S0001', postId: null, place: 'gate', name: '校门',
  gbCode: kind === 'camera' ? '41040200001310000001' : '41040200001340000001', gbParent: '41040200001180000001',
});

const alarm = (method: number, alarmType?: number, extra: Partial<AlarmMessage> = {}): AlarmMessage => ({
  kind: 'alarm', sn: 1207, deviceId: '41040200001310000001', priority: 1, method,
  time: '2026-12-04T07:58:03', at: '2026-12-04T07:58:03+08:00',
  ...(alarmType === undefined ? {} : { alarmType }), ...extra,
});

/** What the mapping gives, as `type fault?` or `ignored`, and checks a given event against the public contract. */
function outcome(message: AlarmMessage, kind: DeviceKind): string {
  const sut = alarmToEvent(message, device(kind), RECEIVED);
  if ('ignored' in sut) return 'ignored';
  expect(ingestEventSchema.parse(sut)).toEqual(sut);
  expect(sentBy(sut.type, kind)).toBe(true);
  return 'fault' in sut ? `${sut.type} ${sut.fault}` : sut.type;
}

describe(alarmToEvent.name, () => {
  // [AlarmMethod, AlarmType, camera, sos, intrusion]
  const table: [number, number | undefined, string, string, string][] = [
    [1, undefined, 'ignored', 'alarm.sos', 'alarm.intrusion'],
    [2, undefined, 'ignored', 'alarm.sos', 'alarm.intrusion'],
    [2, 1, 'camera.fault video_loss', 'ignored', 'ignored'],
    [2, 2, 'camera.fault tamper', 'device.fault tamper', 'device.fault tamper'],
    [2, 3, 'camera.fault storage', 'ignored', 'ignored'],
    [2, 4, 'camera.fault other', 'device.fault other', 'device.fault other'],
    [2, 5, 'camera.fault other', 'device.fault other', 'device.fault other'],
    [2, 9, 'ignored', 'alarm.sos', 'alarm.intrusion'],
    [3, undefined, 'ignored', 'alarm.sos', 'alarm.intrusion'],
    [4, undefined, 'ignored', 'alarm.sos', 'alarm.intrusion'],
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12].map((type): [number, number, string, string, string] => [5, type, 'ignored', 'alarm.sos', 'alarm.intrusion']),
    [5, 11, 'camera.fault other', 'alarm.sos', 'alarm.intrusion'],
    [5, 13, 'camera.fault tamper', 'alarm.sos', 'alarm.intrusion'],
    [5, undefined, 'ignored', 'alarm.sos', 'alarm.intrusion'],
    [6, 1, 'camera.fault storage', 'device.fault other', 'device.fault other'],
    [6, 2, 'camera.fault other', 'device.fault other', 'device.fault other'],
    [6, undefined, 'camera.fault other', 'device.fault other', 'device.fault other'],
    [7, undefined, 'ignored', 'alarm.sos', 'alarm.intrusion'],
  ];

  it.each(table)('maps AlarmMethod %s AlarmType %s: camera → %s, sos → %s, intrusion → %s', (method, type, camera, sos, intrusion) => {
    expect(outcome(alarm(method, type), 'camera')).toBe(camera);
    expect(outcome(alarm(method, type), 'sos')).toBe(sos);
    expect(outcome(alarm(method, type), 'intrusion')).toBe(intrusion);
  });

  it('ignores every alarm of a device kind that raises none over GB/T 28181', () => {
    for (const kind of ['access', 'post', 'patrol'] as const) {
      const sut = alarmToEvent(alarm(2), device(kind), RECEIVED);
      expect(sut).toEqual({ ignored: expect.stringContaining(kind) as string });
    }
  });

  it('gives the registry device id, the SN as id, AlarmTime as at, and no drill', () => {
    expect(alarmToEvent(alarm(2, undefined, { sn: 88 }), device('sos'), RECEIVED)).toEqual({
      id: 'sn:88@2026-12-04T07:58:03+08:00', deviceId: 'DEV-sos', at: '2026-12-04T07:58:03+08:00', type: 'alarm.sos',
    });
  });

  it('falls back to the receiving time without a real AlarmTime', () => {
    expect(alarmToEvent(alarm(2, undefined, { time: null, at: null }), device('sos'), RECEIVED)).toMatchObject({ at: '2026-12-04T00:00:05.000Z' });
    // Without a time, the SN alone is the id: a resend of it is the same event.
    expect(alarmToEvent(alarm(2, undefined, { sn: 9, time: null, at: null }), device('sos'), RECEIVED)).toMatchObject({ id: 'sn:9' });
    expect(alarmToEvent(alarm(2, 1, { time: 'garbage', at: null }), device('camera'), RECEIVED)).toMatchObject({ at: '2026-12-04T00:00:05.000Z' });
  });

  it('takes a short AlarmDescription as the intrusion zone and a long one not', () => {
    expect(alarmToEvent(alarm(2, undefined, { description: '财务室' }), device('intrusion'), RECEIVED)).toMatchObject({ type: 'alarm.intrusion', zone: '财务室' });
    const long = alarmToEvent(alarm(2, undefined, { description: '防'.repeat(MAX_ZONE_CHARS + 1) }), device('intrusion'), RECEIVED);
    expect(long).not.toHaveProperty('zone');
  });

  it('notes the description of an SOS, and words and description in a fault message', () => {
    expect(alarmToEvent(alarm(2, undefined, { description: '门卫室一键报警' }), device('sos'), RECEIVED)).toMatchObject({ note: '门卫室一键报警' });
    expect(alarmToEvent(alarm(2, 1, { description: '通道1' }), device('camera'), RECEIVED)).toMatchObject({ message: '视频丢失：通道1' });
    expect(alarmToEvent(alarm(2, 3), device('camera'), RECEIVED)).toMatchObject({ message: '磁盘满' });
    const long = alarmToEvent(alarm(6, 1, { description: 'x'.repeat(600) }), device('camera'), RECEIVED);
    expect('message' in long && long.message?.length).toBe(500);
  });
});

describe(gbAlarmWords.name, () => {
  it('names the alarm type, else the method', () => {
    expect(gbAlarmWords({ method: 2, alarmType: 1 })).toBe('视频丢失');
    expect(gbAlarmWords({ method: 5, alarmType: 13 })).toBe('遮挡');
    expect(gbAlarmWords({ method: 5, alarmType: 2 })).toBe('移动侦测');
    expect(gbAlarmWords({ method: 5, alarmType: 6, eventType: 1 })).toBe('区域入侵检测（进入区域）');
    expect(gbAlarmWords({ method: 6, alarmType: 2 })).toBe('风扇故障');
    expect(gbAlarmWords({ method: 2 })).toBe('设备报警');
    expect(gbAlarmWords({ method: 1, alarmType: 4 })).toBe('电话报警');
  });
});
