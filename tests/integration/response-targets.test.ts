import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrillAnswer } from '../../shared/drill.js';
import type { ClientConfig } from '../../shared/wall.js';
import { signInAs, type Session } from '../helpers/auth.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

describe('response targets from XIAOAN_RESPONSE_TARGETS (integration)', () => {
  let sut: TestServer;
  let operator: Session;

  beforeAll(async () => {
    sut = await startTestServer({ env: { XIAOAN_RESPONSE_TARGETS: 'P1=90/240/360,P3=900/-/-' } });
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
      1: { acknowledgeSeconds: 90, onSceneUrbanSeconds: 240, onSceneOtherSeconds: 360 },
      2: { acknowledgeSeconds: 60, onSceneUrbanSeconds: 180, onSceneOtherSeconds: 300 },
      3: { acknowledgeSeconds: 900, onSceneUrbanSeconds: null, onSceneOtherSeconds: null },
      4: { acknowledgeSeconds: null, onSceneUrbanSeconds: null, onSceneOtherSeconds: null },
    });
  });

  it("plans a drill's default targets from the configured P1 targets", async () => {
    const planned = await operator.send('POST', '/api/v1/drills', { schoolId: 'S0001', scenario: '持刀人员闯入校门', plannedFor: new Date(Date.now() + 3_600_000).toISOString() });
    expect(planned.status).toBe(201);
    const { drill } = (await planned.json()) as DrillAnswer;
    // S0001 is in 新华区, a city district: on scene 240 s.
    expect(drill.targets).toEqual({ acknowledged: 90, dispatched: 180, on_scene: 240, handled: 840 });
  });
});
