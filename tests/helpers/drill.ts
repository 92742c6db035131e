import type { DrillDetail } from '../../shared/drill.js';
import type { Clock } from '../../server/clock.js';
import { signInAs, type Session } from './auth.js';
import type { Engine } from './engines.js';
import { connectClient, startTestServer, type RecordingClient, type TestServer } from './server.js';

/** The drill suites' terms: a school day in every month they pin the clock to. */
export const DRILL_TEST_TERMS = '09-01..01-20,02-20..07-10';

/** A server for drill suites: its clock pinned, a police operator signed in with a live console recording every `drill` event. */
export interface DrillTestbed {
  sut: TestServer;
  operator: Session;
  console_: RecordingClient;
  /** Every `drill` event the console received, in order. */
  drillEvents: DrillDetail[];
  close(): Promise<void>;
}

export async function startDrillTestbed(options: { engine: Engine; clock: Clock; operator: { username: string; displayName: string }; env?: Record<string, string> }): Promise<DrillTestbed> {
  const sut = await startTestServer({ engine: options.engine, clock: options.clock, env: { XIAOAN_SEMESTERS: DRILL_TEST_TERMS, ...options.env } });
  const operator = await signInAs(sut, { role: 'police_operator', ...options.operator });
  const console_ = connectClient(sut.url, { cookie: operator.cookie });
  const drillEvents: DrillDetail[] = [];
  console_.socket.on('drill', (detail) => drillEvents.push(detail));
  await console_.live;
  return {
    sut,
    operator,
    console_,
    drillEvents,
    async close() {
      console_.socket.close();
      await sut.close();
    },
  };
}
