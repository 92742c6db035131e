import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { DEFAULT_AUTH_RULES } from '../../server/auth/auth.service.js';
import { DEFAULT_COMMAND_LIMITS } from '../../server/realtime/command-gate.js';

describe(`${loadConfig.name}: sign-in throttling and socket command limits`, () => {
  it('defaults to the services’ own defaults', () => {
    const config = loadConfig({});
    expect(config.loginThrottle).toEqual({ freeFailures: 5, addressFreeFailures: 30, firstDelaySeconds: 5, maxDelaySeconds: 900 });
    expect(config.loginThrottle).toMatchObject({ freeFailures: DEFAULT_AUTH_RULES.freeFailures, maxDelaySeconds: DEFAULT_AUTH_RULES.maxDelaySeconds });
    expect(config.socketCommands).toEqual(DEFAULT_COMMAND_LIMITS);
  });

  it('takes the variables', () => {
    const config = loadConfig({
      XIAOAN_LOGIN_FREE_FAILURES: '3', XIAOAN_LOGIN_ADDRESS_FREE_FAILURES: '100', XIAOAN_LOGIN_FIRST_DELAY_SECONDS: '30', XIAOAN_LOGIN_MAX_DELAY_SECONDS: '3600',
      XIAOAN_SOCKET_COMMAND_BURST: '20', XIAOAN_SOCKET_COMMAND_RATE: '2.5', XIAOAN_SOCKET_FLOOD_CLOSE: '0',
    });
    expect(config.loginThrottle).toEqual({ freeFailures: 3, addressFreeFailures: 100, firstDelaySeconds: 30, maxDelaySeconds: 3600 });
    expect(config.socketCommands).toEqual({ burst: 20, perSecond: 2.5, floodClose: 0 });
  });

  it.each([
    ['XIAOAN_LOGIN_FREE_FAILURES', '0'],
    ['XIAOAN_LOGIN_MAX_DELAY_SECONDS', 'forever'],
    ['XIAOAN_SOCKET_COMMAND_BURST', '0'],
    ['XIAOAN_SOCKET_COMMAND_RATE', '0'],
    ['XIAOAN_SOCKET_FLOOD_CLOSE', '-1'],
  ])('refuses %s=%s with a readable error', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });
});
