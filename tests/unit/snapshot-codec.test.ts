import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { decodeSnapshot } from '../../client/snapshot.js';
import { packAlarm, parseSnapshotJson, SNAPSHOT_VERSION, snapshotJson, unpackAlarm } from '../../shared/snapshot.js';
import { makeAlarm } from './helpers/alarm.js';

const handled: Alarm = makeAlarm({
  id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  type: 'intrusion',
  priority: 2,
  state: 'resolved',
  openedAt: '2025-03-02T15:59:58+08:00',
  receivedAt: '2025-03-02T08:00:00.120Z',
  updatedAt: '2025-03-02T08:09:00.000Z',
  lastSeenAt: '2025-03-02T08:00:03.500Z',
  count: 3,
  drill: true,
  unitId: 'P001',
  disposition: 'handled_on_site',
  transitions: [
    { action: 'raise', from: null, to: 'new', actor: 'device:SOS-S0001-1', at: '2025-03-02T08:00:00.120Z', note: null },
    { action: 'dispatch', unitId: 'P001', from: 'new', to: 'dispatched', actor: '张警官', at: '2025-03-02T08:01:00.000Z', note: '派警' },
    { action: 'auto_resolve', from: 'dispatched', to: 'resolved', actor: 'system', at: '2025-03-02T08:09:00.000Z', note: '已签到', noteEn: 'checked in' },
  ],
});

describe('compact snapshot (shared/snapshot.ts)', () => {
  it('turns an alarm into a row and back without losing a field', () => {
    expect(unpackAlarm(packAlarm(handled))).toEqual(handled);
    const plain = makeAlarm({ id: 'A1' });
    expect(unpackAlarm(packAlarm(plain))).toEqual(plain);
  });

  it('keeps a non-canonical time as the text it was', () => {
    const row = packAlarm(handled);
    expect(row[8]).toBe('2025-03-02T15:59:58+08:00');
    expect(typeof row[9]).toBe('number');
  });

  it('is far smaller than the alarm as JSON', () => {
    expect(JSON.stringify(packAlarm(handled)).length).toBeLessThan(JSON.stringify(handled).length * 0.6);
  });

  it('decodes what the server sends: gzip of the rows, the seq inside and outside', async () => {
    const json = snapshotJson(12, [JSON.stringify(packAlarm(handled))], [['S0001', 0]]);
    expect(JSON.parse(json)).toMatchObject({ v: SNAPSHOT_VERSION, seq: 12 });
    const decoded = await decodeSnapshot({ seq: 12, data: gzipSync(json) });
    expect(decoded).toEqual({ seq: 12, alarms: [handled], statuses: [{ schoolId: 'S0001', status: 'alarm' }] });
    await expect(decodeSnapshot({ seq: 13, data: gzipSync(json) })).rejects.toThrow(/seq 12 inside, 13 outside/);
    await expect(decodeSnapshot({ seq: 12, data: gzipSync(json.replace('"v":2', '"v":1')) })).rejects.toThrow(/version 1/);
  });

  it('unpacks a large snapshot in slices, giving the thread back between them, to the same alarms', async () => {
    const many = Array.from({ length: 40 }, (_, at) => makeAlarm({ id: `A${at}`, receivedAt: new Date(Date.UTC(2026, 11, 7, 0, at)).toISOString() }));
    const json = snapshotJson(5, [...many.map((alarm) => JSON.stringify(packAlarm(alarm))), JSON.stringify(packAlarm(handled))], [['S0002', 1]]);
    // A clock that moves 3 ms at each look: a slice holds about three rows.
    let now = 0;
    let pauses = 0;
    const sliced = await decodeSnapshot({ seq: 5, data: gzipSync(json) }, { clock: () => (now += 3), pause: async () => void (pauses += 1) });
    expect(sliced).toEqual(parseSnapshotJson(json));
    expect(sliced.alarms).toHaveLength(41);
    expect(pauses).toBeGreaterThanOrEqual(10);
    // A clock that stands still: one slice.
    pauses = 0;
    expect(await decodeSnapshot({ seq: 5, data: gzipSync(json) }, { clock: () => 0, pause: async () => void (pauses += 1) })).toEqual(sliced);
    expect(pauses).toBe(0);
  });
});
