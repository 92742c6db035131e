import type { BenchContext } from './context.js';
import { log } from './context.js';
import { IngestClient } from './http.js';
import { KeepaliveLoad } from './keepalive-load.js';
import type { KeepaliveConfig } from './keepalive-protocol.js';
import type { AlarmDevicePool } from './registry.js';
import { closeScreens, connectScreens, type Screen } from './screens.js';
import { BENCH_TOKEN, type ServerUnderTest } from './server.js';

/** The province's camera keepalives: 500,000 cameras, one keepalive a minute each. */
export const PROVINCE_KEEPALIVES_PER_SECOND = 8333;

/** The province's keepalives in the background, from a separate process: paced at 8,333/s in batches of 1,000 over 4 connections. */
export function provinceKeepalives(
  server: ServerUnderTest,
  idsFile: string,
  options: Pick<KeepaliveConfig, 'durationMs' | 'startIndex' | 'naiveOverheadBytes'>,
): Promise<KeepaliveLoad> {
  return KeepaliveLoad.start({
    url: server.url,
    token: BENCH_TOKEN,
    idsFile,
    mode: 'paced',
    rate: PROVINCE_KEEPALIVES_PER_SECOND,
    batchSize: 1000,
    connections: 4,
    ...options,
  });
}

/** A fresh server with screens connected from its current seq, an ingest client, and the devices to raise alarms from. */
export interface AlarmRig {
  server: ServerUnderTest;
  ingest: IngestClient;
  screens: Screen[];
  /** The province's camera ids, for `provinceKeepalives`. */
  idsFile: string;
  pool: AlarmDevicePool;
  /** Closes the screens and the ingest client and stops the server. */
  close(): Promise<void>;
}

/** Starts the server and connects `screenCount` screens; on failure part-way, closes what it opened. */
export async function alarmRig(ctx: BenchContext, screenCount: number, ingestConnections: number): Promise<AlarmRig> {
  const server = await ctx.startServer();
  const screens: Screen[] = [];
  const ingest = new IngestClient(server.url, BENCH_TOKEN, ingestConnections);
  const close = async (): Promise<void> => {
    closeScreens(screens);
    ingest.close();
    await server.stop();
  };
  try {
    const idsFile = await ctx.cameraIdsFile(server);
    const pool = await ctx.alarmDevices(server);
    const { seq } = await server.health();
    log(`  connecting ${screenCount} screens`);
    screens.push(...(await connectScreens(server, screenCount, seq)));
    return { server, ingest, screens, idsFile, pool, close };
  } catch (error) {
    await close();
    throw error;
  }
}
