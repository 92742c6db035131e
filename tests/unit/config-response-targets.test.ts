import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { DEFAULT_RESPONSE_TARGETS } from '../../shared/rules/response.js';

describe(`${loadConfig.name} XIAOAN_RESPONSE_TARGETS`, () => {
  it('defaults to 1-3-5 for P1/P2, a 10-minute acknowledge for P3 and no clock for P4', () => {
    const sut = loadConfig({});
    expect(sut.responseTargets).toEqual(DEFAULT_RESPONSE_TARGETS);
    expect(sut.responseTargets[1]).toEqual({ acknowledgeSeconds: 60, onSceneUrbanSeconds: 180, onSceneOtherSeconds: 300 });
    expect(sut.responseTargets[3]).toEqual({ acknowledgeSeconds: 600, onSceneUrbanSeconds: null, onSceneOtherSeconds: null });
    expect(sut.responseTargets[4]).toEqual({ acknowledgeSeconds: null, onSceneUrbanSeconds: null, onSceneOtherSeconds: null });
  });

  it('replaces the priorities named and keeps the others', () => {
    const sut = loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P3=900/-/-, P4=86400/-/-' });
    expect(sut.responseTargets[3]).toEqual({ acknowledgeSeconds: 900, onSceneUrbanSeconds: null, onSceneOtherSeconds: null });
    expect(sut.responseTargets[4].acknowledgeSeconds).toBe(86_400);
    expect(sut.responseTargets[1]).toEqual(DEFAULT_RESPONSE_TARGETS[1]);
  });

  it('refuses nonsense with a readable error', () => {
    expect(() => loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P5=60/180/300' })).toThrow(/XIAOAN_RESPONSE_TARGETS.*P<1-4>=/);
    expect(() => loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P1=one minute' })).toThrow(/XIAOAN_RESPONSE_TARGETS/);
  });
});
