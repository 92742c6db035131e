/**
 * The whole system in one process, on its embedded default: the server (SQLite unless
 * DATABASE_URL is set), the Pingdingshan dataset on a first start, and the built-in device
 * simulator driving the public ingest API over HTTP like any vendor gateway.
 */
import { generateDataset } from '../mocks/dataset/index.js';
import { startSimulator } from '../mocks/simulator/index.js';
import { startOperatorSimulator } from '../mocks/simulator/operator-driver.js';
import { startUnitSimulator } from '../mocks/simulator/unit-driver.js';
import { loadConfig } from '../server/config.js';
import { DEMO_PASSWORD, DUTY_SIMULATOR_USERNAME, startServer } from '../server/index.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  const server = await startServer(config, { seed: () => generateDataset(config.dataset) });
  const { log } = server;

  // The simulator learns the devices as an integrator would, from the public registry route with
  // its ingest token; the 护学岗 schedules (read by screens only) it takes from the registry in
  // this process.
  const simulator = config.simulator
    ? startSimulator({
        baseUrl: server.url,
        token: server.ingestToken,
        guardPosts: server.services.registry.guardPosts(),
        initialAlarms: 2,
        log: (message) => log.debug({ simulator: true }, message),
      })
    : null;
  // The units' phones (issue 14): a dispatch to a police post is accepted, arrived at and reported
  // on by the post's demo responder (unit-<post id>) through the public responder API.
  const unitPhones =
    config.simulatorUnits && config.demo
      ? startUnitSimulator({
          baseUrl: server.url,
          password: DEMO_PASSWORD,
          units: server.services.registry.policePosts(),
          school: (id) => server.services.registry.school(id),
          log: (message) => log.debug({ simulator: true }, message),
        })
      : null;
  if (unitPhones) server.services.events.on('alarm.changed', (changes) => changes.forEach((change) => unitPhones.observe(change.alarm)));
  // The duty operator of an unattended demo (issue 14 item 5): acknowledges a new real P1/P2 alarm
  // and dispatches the nearest post through the console's socket commands, as its own demo
  // account (duty-sim); a person at the console who acts first takes the alarm over.
  const dutyOperator =
    config.simulatorOperator && config.demo
      ? startOperatorSimulator({
          baseUrl: server.url,
          username: DUTY_SIMULATOR_USERNAME,
          password: DEMO_PASSWORD,
          units: server.services.registry.policePosts(),
          school: (id) => server.services.registry.school(id),
          log: (message) => log.debug({ simulator: true }, message),
        })
      : null;
  if (dutyOperator) server.services.events.on('alarm.changed', (changes) => changes.forEach((change) => dutyOperator.observe(change.alarm)));
  // The simulator's first batch re-sends today's check-ins so far (with their own times); only
  // then may a 护学岗 be judged absent, or a start at 07:35 would raise an alarm for every post.
  void simulator?.ready.then(() => server.services.posts.arm()).catch((error: unknown) => log.error({ err: error }, '护学岗 check not armed'));

  // The heavy-read workers (issue 12) start now, each with today's matrix, not when the first person opens the desk.
  const warming = Date.now();
  void server.services.compliance
    .warm()
    .then(() => log.info({ workers: config.heavy.workers, ms: Date.now() - warming }, 'heavy-read workers ready'))
    .catch((error: unknown) => log.error({ err: error }, 'heavy-read workers failed to start'));

  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const wallUrl = `http://${shownHost}:${server.port}/`;
  log.info({ url: wallUrl, simulator: config.simulator, database: config.databaseUrl ? 'postgres' : config.dataDir }, 'Xiaoan is running');
  // One plain line for the person who typed `npm start`.
  const signIn = config.demo
    ? `demo accounts police, police-xinhua, edu, edu-xinhua, school, viewer, unit-p001… (a police post's phone, /m) — password ${DEMO_PASSWORD}${config.adminPassword ? '; admin from XIAOAN_ADMIN_PASSWORD' : ''}`
    : config.adminPassword
      ? 'admin, with the password in XIAOAN_ADMIN_PASSWORD'
      : 'no accounts yet — start with XIAOAN_ADMIN_PASSWORD=<10+ characters> to create "admin"';
  console.log(`\n  校安 Xiaoan map wall: ${wallUrl}\n  Sign in: ${signIn}\n  Ingest token: ${config.ingestToken ? '(from XIAOAN_INGEST_TOKEN)' : server.ingestToken}\n  Simulator: ${config.simulator ? 'on' : 'off'}${dutyOperator ? ' — with a simulated duty operator (duty-sim) working the alarms nobody at the console touches first (XIAOAN_SIMULATOR_OPERATOR=off to do it all yourself)' : ''}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await simulator?.stop();
    await dutyOperator?.stop();
    await unitPhones?.stop();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main().catch((error: unknown) => {
  console.error('Xiaoan failed to start:', error);
  process.exit(1);
});
