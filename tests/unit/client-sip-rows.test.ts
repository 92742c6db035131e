import { describe, expect, it } from 'vitest';
import type { SipRegistration } from '../../shared/sip.js';
import { assignableKinds, gbCodeGroups, isProblem, keepaliveFreshness, matchesFilter, roughSpanText, sortRegistrations } from '../../client/sip-rows.js';

const NOW = Date.parse('2026-12-07T02:00:00Z');
const ago = (seconds: number): string => new Date(NOW - seconds * 1000).toISOString();

function registration(deviceId: string, changes: Partial<SipRegistration> = {}): SipRegistration {
  return {
    deviceId, name: '新华区第一小学 NVR', schoolId: 'S0001', address: '10.0.0.7', port: 5060, transport: 'UDP',
    registeredAt: ago(600), expiresAt: new Date(NOW + 3_000_000).toISOString(), lastKeepaliveAt: ago(30), catalogChannels: 12, unknownChannels: 0, node: null,
    ...changes,
  };
}

describe(keepaliveFreshness.name, () => {
  it('reads fresh up to 3 minutes, late past them, lost past 10, never without one', () => {
    expect(keepaliveFreshness(ago(180), NOW)).toBe('fresh');
    expect(keepaliveFreshness(ago(181), NOW)).toBe('late');
    expect(keepaliveFreshness(ago(601), NOW)).toBe('lost');
    expect(keepaliveFreshness(null, NOW)).toBe('never');
  });
});

describe(sortRegistrations.name, () => {
  it('puts devices with no or late keepalive, unknown channels or no registry entry first, then orders by code', () => {
    const fine = [registration('41040200001180000002'), registration('41040200001180000001')];
    const problems = [
      registration('41040200001180000009', { lastKeepaliveAt: null }),
      registration('41040200001180000008', { unknownChannels: 2 }),
      registration('41040200001180000007', { name: null, schoolId: null }),
      registration('41040200001180000006', { lastKeepaliveAt: ago(400) }),
    ];
    const sut = sortRegistrations([...fine, ...problems], NOW);
    expect(sut.map((row) => row.deviceId)).toEqual([
      '41040200001180000006', '41040200001180000007', '41040200001180000008', '41040200001180000009',
      '41040200001180000001', '41040200001180000002',
    ]);
    expect(problems.every((row) => isProblem(row, NOW))).toBe(true);
    expect(fine.some((row) => isProblem(row, NOW))).toBe(false);
  });
});

describe(matchesFilter.name, () => {
  it('matches a code typed with spaces, or a name regardless of case', () => {
    expect(matchesFilter('41040200001310000001', 'Gate', '4104020000 131')).toBe(true);
    expect(matchesFilter('41040200001310000001', 'Gate', 'gate')).toBe(true);
    expect(matchesFilter('41040200001310000001', null, '新华')).toBe(false);
    expect(matchesFilter('41040200001310000001', null, '  ')).toBe(true);
  });
});

describe(gbCodeGroups.name, () => {
  it('groups a code as centre, industry, type, network and serial; a malformed one stays whole', () => {
    expect(gbCodeGroups('41040200001310000001')).toEqual(['41040200', '00', '131', '0000001']);
    expect(gbCodeGroups('12345').join('')).toBe('12345');
  });
});

describe(assignableKinds.name, () => {
  it('lets a camera channel become a camera and an alarm input a one-key button or intrusion detector, nothing else', () => {
    expect(assignableKinds('41040200001310000001')).toEqual(['camera']);
    expect(assignableKinds('41040200001320000001')).toEqual(['camera']);
    expect(assignableKinds('41040200001340000001')).toEqual(['sos', 'intrusion']);
    expect(assignableKinds('41040200001180000001')).toEqual([]);
  });
});

describe(roughSpanText.name, () => {
  it('says seconds under a minute, minutes under an hour, else hours and minutes, in either language', () => {
    expect(roughSpanText(45_400, 'zh-CN')).toBe('45 秒');
    expect(roughSpanText(52 * 60_000 + 13_000, 'zh-CN')).toBe('52 分钟');
    expect(roughSpanText(125 * 60_000, 'en')).toBe('2 h 5 min');
    expect(roughSpanText(120 * 60_000, 'zh-CN')).toBe('2 小时');
    expect(roughSpanText(-5_000, 'en')).toBe('0 s');
  });
});
