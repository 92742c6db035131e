import { describe, expect, it } from 'vitest';
import { ACCESS_ANOMALIES, EVENT_DEVICE_KIND, accessEventSchema, describeZodError, ingestEventSchema } from '../../shared/ingest.js';

describe('ingestEventSchema', () => {
  const at = '2026-11-29T08:00:00+08:00';

  it.each([
    { type: 'alarm.sos', deviceId: 'SOS-S0001-1', at },
    { type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: '2026-11-29T00:00:00Z', drill: true, id: 'x' },
    { type: 'alarm.intrusion', deviceId: 'INT-S0001-1', at, zone: '财务室' },
    { type: 'alarm.access', deviceId: 'ACC-S0001-1', at, reason: 'forced' },
    { type: 'alarm.access', deviceId: 'ACC-S0001-1', at, reason: 'tailgating', doorId: 'gate-east', drill: true, id: 'acc-1' },
    { type: 'camera.heartbeat', deviceId: 'CAM-S0001-01', at, retentionDays: 30 },
    { type: 'camera.fault', deviceId: 'CAM-S0001-01', at, fault: 'video_loss' },
    { type: 'post.checkin', deviceId: 'PT-G0001', at, person: '王建国' },
    { type: 'post.checkout', deviceId: 'PT-G0001', at },
    { type: 'patrol.scan', deviceId: 'PAT-S0001-1', at },
  ])('accepts a well-formed $type', (event) => {
    expect(ingestEventSchema.safeParse(event).success).toBe(true);
  });

  it.each([
    [{ type: 'alarm.sos', deviceId: 'SOS-S0001-1' }, /^at: /],
    [{ type: 'alarm.sos', deviceId: '', at }, /^deviceId: /],
    [{ type: 'alarm.sos', deviceId: 'SOS-S0001-1', at: '2026-11-29 08:00' }, /^at: /],
    [{ type: 'camera.fault', deviceId: 'CAM-1', at, fault: 'on fire' }, /^fault: /],
    [{ type: 'camera.heartbeat', deviceId: 'CAM-1', at, retentionDays: 'abc' }, /^retentionDays: /],
    [{ type: 'alarm.sos', deviceId: 'SOS-S0001-1', at, drill: 'yes' }, /^drill: /],
    [{ type: 'nope', deviceId: 'x', at }, /^type: /],
    [{ type: 'alarm.access', deviceId: 'ACC-S0001-1', at }, /^reason: /],
    [{ type: 'alarm.access', deviceId: 'ACC-S0001-1', at, reason: 'door_opened' }, /^reason: /],
    [{ type: 'alarm.access', deviceId: 'ACC-S0001-1', at, reason: 'held_open', doorId: '' }, /^doorId: /],
    [{ type: 'alarm.access', deviceId: 'ACC-S0001-1', at, reason: 'forced', drill: 1 }, /^drill: /],
    [null, /expected object/i],
  ])('refuses %j with a message naming the field', (event, message) => {
    const result = ingestEventSchema.safeParse(event);
    expect(result.success).toBe(false);
    if (!result.success) expect(describeZodError(result.error)).toMatch(message);
  });
});

describe('accessEventSchema', () => {
  it('takes every documented reason and keeps the door and drill flag', () => {
    for (const reason of ACCESS_ANOMALIES) {
      const parsed = accessEventSchema.parse({ type: 'alarm.access', deviceId: 'ACC-S0001-1', at: '2026-11-29T00:00:00Z', reason, doorId: ' dorm-2 ', drill: false });
      expect(parsed).toMatchObject({ reason, doorId: 'dorm-2', drill: false });
    }
    expect(ACCESS_ANOMALIES).toEqual(['forced', 'held_open', 'tailgating', 'invalid_card']);
  });

  it('comes from an access-control device only', () => {
    expect(EVENT_DEVICE_KIND['alarm.access']).toBe('access');
  });
});
