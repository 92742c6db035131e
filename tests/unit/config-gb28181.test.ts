import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { announcedAddress } from '../../server/gb28181/endpoint.js';

const base = { XIAOAN_DATA_DIR: '/tmp/xiaoan-config-test' };

describe('XIAOAN_GB28181 and its settings', () => {
  it('is off unless asked for, and the keepalive interval defaults to the standard’s 60 s', () => {
    const config = loadConfig(base);
    expect(config.gb28181).toBeNull();
    expect(config.keepaliveIntervalMs).toBe(60_000);
  });

  it('takes the platform id, domain, address, port, password and limits when on', () => {
    const config = loadConfig({
      ...base, XIAOAN_GB28181: 'on', XIAOAN_GB28181_PASSWORD: 'device-pass', XIAOAN_GB28181_ID: '41040200002000000009', XIAOAN_GB28181_DOMAIN: '4104020000',
      XIAOAN_GB28181_HOST: '10.1.0.5', XIAOAN_GB28181_PORT: '15060', XIAOAN_GB28181_RATE: '50', XIAOAN_GB28181_MAX_BYTES: '8192', XIAOAN_KEEPALIVE_INTERVAL_S: '1',
    });
    expect(config.gb28181).toEqual({ id: '41040200002000000009', domain: '4104020000', host: '10.1.0.5', announceHost: null, port: 15060, password: 'device-pass', maxBytes: 8192, ratePerSecond: 50 });
    expect(config.keepaliveIntervalMs).toBe(1000);
    expect(loadConfig({ ...base, XIAOAN_GB28181: 'on', XIAOAN_GB28181_PASSWORD: 'p' }).gb28181).toMatchObject({ id: '41040000002000000001', domain: '4104000000', host: '0.0.0.0', port: 5060 });
    expect(loadConfig({ ...base, XIAOAN_GB28181: 'on', XIAOAN_GB28181_PASSWORD: 'p', XIAOAN_GB28181_ANNOUNCE_HOST: '10.8.0.2' }).gb28181?.announceHost).toBe('10.8.0.2');
  });

  it('refuses to start on without a password, with a domain that is not the id’s first 10 digits, or with malformed codes', () => {
    expect(() => loadConfig({ ...base, XIAOAN_GB28181: 'on' })).toThrow(/XIAOAN_GB28181_PASSWORD/);
    expect(() => loadConfig({ ...base, XIAOAN_GB28181: 'on', XIAOAN_GB28181_PASSWORD: 'p', XIAOAN_GB28181_DOMAIN: '4104020000' })).toThrow(/first 10 digits/);
    expect(() => loadConfig({ ...base, XIAOAN_GB28181: 'on', XIAOAN_GB28181_PASSWORD: 'p', XIAOAN_GB28181_ID: '4104' })).toThrow(/XIAOAN_GB28181_ID/);
    expect(() => loadConfig({ ...base, XIAOAN_GB28181: 'yes' })).toThrow(/XIAOAN_GB28181/);
    expect(() => loadConfig({ ...base, XIAOAN_GB28181_MAX_BYTES: '100000' })).toThrow(/XIAOAN_GB28181_MAX_BYTES/);
  });
});

describe(announcedAddress.name, () => {
  const nic = (address: string, internal: boolean) => ({ address, internal, family: 'IPv4' as const, netmask: '255.255.255.0', mac: '00:00:00:00:00:00', cidr: null });
  it('names the listen address, or for a wildcard the first outside IPv4 address, never 0.0.0.0', () => {
    const interfaces = { lo: [nic('127.0.0.1', true)], eth0: [{ ...nic('fe80::1', false), family: 'IPv6' as const, scopeid: 1 }, nic('10.20.30.40', false)] };
    expect(announcedAddress('10.1.0.5', interfaces)).toBe('10.1.0.5');
    expect(announcedAddress('0.0.0.0', interfaces)).toBe('10.20.30.40');
    expect(announcedAddress('::', interfaces)).toBe('10.20.30.40');
    expect(announcedAddress('0.0.0.0', { lo: [nic('127.0.0.1', true)] })).toBe('127.0.0.1');
  });
});
