import { AlarmDevicePool, cameraIdsFile, deviceIds, type DeviceIds } from './registry.js';
import { ServerUnderTest } from './server.js';

/** What every scenario gets: the shared data directory, the run's options and the device ids. */
export class BenchContext {
  private ids: DeviceIds | null = null;
  private pool: AlarmDevicePool | null = null;

  constructor(
    readonly options: {
      dataDir: string;
      scale: 'city' | 'province';
      quick: boolean;
      logFile: string;
      /** A tag unique to this run, for idempotency keys. */
      runId: string;
      /** Extra Node options for the server processes. */
      serverNodeArgs: string[];
    },
  ) {}

  get quick(): boolean {
    return this.options.quick;
  }

  /** A fresh server process over the run's data directory (the first start imports the dataset). */
  async startServer(): Promise<ServerUnderTest> {
    const server = await ServerUnderTest.start({
      dataDir: this.options.dataDir,
      scale: this.options.scale,
      logFile: this.options.logFile,
      nodeArgs: this.options.serverNodeArgs,
    });
    log(`  server pid ${server.pid} on ${server.url}, ready in ${(server.startMs / 1000).toFixed(1)} s` +
      (server.eventLoopOffsetMs === null ? ', no event-loop figures on /health' : `, event-loop offset ${server.eventLoopOffsetMs} ms`));
    return server;
  }

  /**
   * Imports the dataset on a first start and learns the device ids, in a server of its own, so
   * that no scenario's server carries the garbage of serving the ≈ 60 MB registry listing.
   */
  async prepare(): Promise<void> {
    log('preparing: dataset and device ids');
    const server = await this.startServer();
    try {
      const ids = await this.devices(server);
      cameraIdsFile(ids, this.options.dataDir);
      log(`  ${ids.cameras.length.toLocaleString('en-US')} cameras, ${ids.sos.length.toLocaleString('en-US')} SOS buttons, ${ids.intrusion.length.toLocaleString('en-US')} intrusion sensors`);
    } finally {
      await server.stop();
    }
  }

  async devices(server: ServerUnderTest): Promise<DeviceIds> {
    this.ids ??= await deviceIds(server, this.options.dataDir);
    return this.ids;
  }

  async cameraIdsFile(server: ServerUnderTest): Promise<string> {
    return cameraIdsFile(await this.devices(server), this.options.dataDir);
  }

  /** One pool for the whole run, so that no two scenarios raise alarms from the same device. */
  async alarmDevices(server: ServerUnderTest): Promise<AlarmDevicePool> {
    this.pool ??= new AlarmDevicePool(await this.devices(server));
    return this.pool;
  }
}

/** Progress lines, timestamped. */
export function log(message: string): void {
  const time = new Date().toISOString().slice(11, 19);
  console.log(`[${time}] ${message}`);
}
