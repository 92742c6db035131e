import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { decodeSnapshot } from '../../client/snapshot.js';
import { packAlarm, SNAPSHOT_VERSION, snapshotJson, unpackAlarm } from '../../shared/snapshot.js';
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
});
