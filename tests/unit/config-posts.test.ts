import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe(`${loadConfig.name}: 护学岗 settings`, () => {
  it('defaults to a 5-minute grace and a 60-second settle after a start', () => {
    expect(loadConfig({}).posts).toEqual({ graceMinutes: 5, settleSeconds: 60 });
  });

  it('takes XIAOAN_POST_GRACE_MINUTES and XIAOAN_POST_SETTLE_SECONDS', () => {
    expect(loadConfig({ XIAOAN_POST_GRACE_MINUTES: '10', XIAOAN_POST_SETTLE_SECONDS: '0' }).posts).toEqual({ graceMinutes: 10, settleSeconds: 0 });
  });

  it.each([['XIAOAN_POST_GRACE_MINUTES', '-1'], ['XIAOAN_POST_GRACE_MINUTES', 'five'], ['XIAOAN_POST_GRACE_MINUTES', '61'], ['XIAOAN_POST_SETTLE_SECONDS', '1.5']])('refuses %s=%s with a readable error', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`Invalid configuration: .*${name}`));
  });
});
