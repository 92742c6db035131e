import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alarm } from '../../shared/domain/index.js';
import { alarmSchema } from '../../shared/domain/alarm-schema.js';
import { AlarmRepository } from '../../server/db/alarm.repository.js';
import { openStore, type Store } from '../../server/db/database.js';
import { parseJsonColumn, StoredJsonError } from '../../server/db/json-columns.js';

const alarm: Alarm = {
  id: 'a1', type: 'sos', priority: 1, state: 'new', schoolId: 'S1', deviceId: 'D1', districtCode: '410402',
  openedAt: '2026-03-02T01:00:00.000Z', receivedAt: '2026-03-02T01:00:01.000Z', updatedAt: '2026-03-02T01:00:01.000Z',
  count: 1, lastSeenAt: '2026-03-02T01:00:00.000Z', drill: false, unitId: null, disposition: null,
  transitions: [{ action: 'raise', from: null, to: 'new', actor: 'device:D1', at: '2026-03-02T01:00:01.000Z', note: null }],
};

describe(parseJsonColumn.name, () => {
  it('gives back the value a column holds when it matches its schema', () => {
    expect(parseJsonColumn(alarmSchema, JSON.stringify(alarm), 'alarm_changes.payload of seq 1')).toEqual(alarm);
  });

  it('refuses text that is not JSON, naming the column and the row', () => {
    expect(() => parseJsonColumn(alarmSchema, '{"id":', 'alarm_changes.payload of seq 7')).toThrow(StoredJsonError);
    expect(() => parseJsonColumn(alarmSchema, '{"id":', 'alarm_changes.payload of seq 7')).toThrow(/alarm_changes\.payload of seq 7/);
  });

  it('refuses JSON of the wrong shape, saying which field is wrong', () => {
    const wrong = JSON.stringify({ ...alarm, state: 'lost' });
    expect(() => parseJsonColumn(alarmSchema, wrong, 'alarm_changes.payload of seq 3')).toThrow(/state/);
  });
});

describe(AlarmRepository.name, () => {
  let store: Store | null = null;
  let dir = '';
  afterEach(async () => {
    await store?.close();
    store = null;
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('raises a clear error when the change log holds a corrupt alarm, instead of replaying it', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xiaoan-json-'));
    store = await openStore({ databaseUrl: null, dataDir: dir });
    const sut = new AlarmRepository(store.db);
    await store.db.insertInto('alarm_changes').values({ alarm_id: alarm.id, at: alarm.updatedAt, payload: JSON.stringify(alarm) }).execute();
    expect(await sut.changesAfter(0, 10)).toEqual([{ seq: 1, alarm }]);
    await store.db.insertInto('alarm_changes').values({ alarm_id: alarm.id, at: alarm.updatedAt, payload: JSON.stringify({ ...alarm, type: undefined }) }).execute();
    await expect(sut.changesAfter(0, 10)).rejects.toThrow(/alarm_changes\.payload of seq 2.*\n?.*type/s);
  });
});
