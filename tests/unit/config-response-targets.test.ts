import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { DEFAULT_RESPONSE_TARGETS } from '../../shared/rules/response.js';

const none = { city: null, town: null, rural: null };

describe(`${loadConfig.name} XIAOAN_RESPONSE_TARGETS`, () => {
  it('defaults to 1-3-5 for P1/P2 by school setting (city 3 min on scene, town and rural 5), a 10-minute acknowledge for P3 and no clock for P4', () => {
    const sut = loadConfig({});
    expect(sut.responseTargets).toEqual(DEFAULT_RESPONSE_TARGETS);
    expect(sut.responseTargets[1]).toEqual({ acknowledgeSeconds: 60, onSceneBySetting: { city: 180, town: 300, rural: 300 }, onSceneUrbanSeconds: 180, onSceneOtherSeconds: 300 });
    expect(sut.responseTargets[3]).toEqual({ acknowledgeSeconds: 600, onSceneBySetting: none, onSceneUrbanSeconds: null, onSceneOtherSeconds: null });
    expect(sut.responseTargets[4]).toEqual({ acknowledgeSeconds: null, onSceneBySetting: none, onSceneUrbanSeconds: null, onSceneOtherSeconds: null });
  });

  it('replaces the priorities named and keeps the others', () => {
    const sut = loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P3=900/-/-/-, P4=86400/-/-' });
    expect(sut.responseTargets[3]).toEqual({ acknowledgeSeconds: 900, onSceneBySetting: none, onSceneUrbanSeconds: null, onSceneOtherSeconds: null });
    expect(sut.responseTargets[4].acknowledgeSeconds).toBe(86_400);
    expect(sut.responseTargets[1]).toEqual(DEFAULT_RESPONSE_TARGETS[1]);
  });

  it('reads the on-scene target per setting (ack/city/town/rural), and the older ack/city/elsewhere form for town and rural alike', () => {
    expect(loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P1=60/180/240/300' }).responseTargets[1].onSceneBySetting).toEqual({ city: 180, town: 240, rural: 300 });
    expect(loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P1=60/180/360' }).responseTargets[1]).toMatchObject({ onSceneBySetting: { city: 180, town: 360, rural: 360 }, onSceneUrbanSeconds: 180, onSceneOtherSeconds: 360 });
  });

  it('refuses nonsense with a readable error', () => {
    expect(() => loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P5=60/180/300' })).toThrow(/XIAOAN_RESPONSE_TARGETS.*P<1-4>=/);
    expect(() => loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P1=one minute' })).toThrow(/XIAOAN_RESPONSE_TARGETS/);
    expect(() => loadConfig({ XIAOAN_RESPONSE_TARGETS: 'P1=60/180/300/300/300' })).toThrow(/XIAOAN_RESPONSE_TARGETS/);
  });
});
