import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillAnswer } from '../../shared/drill.js';
import type { ClientConfig } from '../../shared/wall.js';
import { SCHOOL_SETTINGS, type School } from '../../shared/domain/index.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { offDuty, startTestServer, type TestServer } from '../helpers/server.js';
import { makeSmallDataset } from '../../mocks/factories/dataset.js';

describe('response targets from XIAOAN_RESPONSE_TARGETS (integration)', () => {
  let sut: TestServer;
  let operator: Session;

  beforeAll(async () => {
    // The small dataset's S0002 (a kindergarten in 卫东区, a city district) made rural: timed by its setting, not its district.
    const base = offDuty(makeSmallDataset());
    const dataset = { ...base, schools: base.schools.map((s) => (s.id === 'S0002' ? { ...s, setting: 'rural' as const } : s)) };
    sut = await startTestServer({ dataset, env: { XIAOAN_RESPONSE_TARGETS: 'P1=90/240/300/360,P3=900/-/-' } });
    operator = await signInAs(sut, { role: 'police_operator' });
  });
  afterAll(async () => {
    await sut?.close();
  });

  it('serves the targets per priority to the screens: the ones configured, the defaults for the others', async () => {
    const response = await fetch(`${sut.url}/api/v1/client-config`);
    expect(response.status).toBe(200);
    const { responseTargets } = (await response.json()) as ClientConfig;
    expect(responseTargets).toEqual({
      // The older fields stay for other systems: city and rural.
      1: { acknowledgeSeconds: 90, onSceneBySetting: { city: 240, town: 300, rural: 360 }, onSceneUrbanSeconds: 240, onSceneOtherSeconds: 360 },
      2: { acknowledgeSeconds: 60, onSceneBySetting: { city: 180, town: 300, rural: 300 }, onSceneUrbanSeconds: 180, onSceneOtherSeconds: 300 },
      3: { acknowledgeSeconds: 900, onSceneBySetting: { city: null, town: null, rural: null }, onSceneUrbanSeconds: null, onSceneOtherSeconds: null },
      4: { acknowledgeSeconds: null, onSceneBySetting: { city: null, town: null, rural: null }, onSceneUrbanSeconds: null, onSceneOtherSeconds: null },
    });
  });

  it("plans a drill's default targets from the configured P1 targets", async () => {
    const schools = (await (await operator.send('GET', '/api/v1/schools')).json()) as { schools: School[] };
    const expected = { city: 240, town: 300, rural: 360 } as const;
    for (const setting of SCHOOL_SETTINGS) {
      const school = schools.schools.find((s) => s.setting === setting);
      if (!school) throw new Error(`no ${setting} school in the dataset`);
      const planned = await operator.send('POST', '/api/v1/drills', { schoolId: school.id, scenario: '持刀人员闯入校门', plannedFor: new Date(Date.now() + 3_600_000).toISOString() });
      expect(planned.status).toBe(201);
      const { drill } = (await planned.json()) as DrillAnswer;
      // On scene by the school's setting, not its district.
      expect(drill.targets).toEqual({ acknowledged: 90, dispatched: 180, on_scene: expected[setting], handled: expected[setting] + 600 });
    }
  });
});
