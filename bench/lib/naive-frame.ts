import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect } from 'socket.io-client';

/** What one naive per-keepalive push message costs on the wire, measured once on a real Socket.IO server. */
export interface NaiveFrame {
  /** The message a naive server would emit per keepalive. */
  event: string;
  sample: { deviceId: string; state: 'online'; at: string };
  /** Wire bytes of the sample (WebSocket frame header + engine.io + socket.io framing + JSON), from the TCP socket. */
  wireBytes: number;
  /** wireBytes minus the JSON of the payload: what framing adds to each message. */
  overheadBytes: number;
}

/**
 * Starts a throwaway Socket.IO server (same version and defaults as the app's) on 127.0.0.1,
 * connects one websocket client, emits one `camera:state` message and counts the bytes the
 * client's TCP socket receives for it.
 */
export async function measureNaiveFrame(deviceId: string): Promise<NaiveFrame> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { serveClient: false });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const port = (httpServer.address() as AddressInfo).port;
  const sample = { deviceId, state: 'online' as const, at: new Date().toISOString() };
  const event = 'camera:state';
  const connected = new Promise<ServerSocket>((resolve) => io.once('connection', resolve));
  const client = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], forceNew: true, reconnection: false });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', reject);
    });
    const serverSide = await connected;
    const bytesRead = () => {
      const transport = client.io.engine?.transport as unknown as { ws?: { _socket?: { bytesRead?: number } } } | undefined;
      const read = transport?.ws?._socket?.bytesRead;
      if (typeof read !== 'number') throw new Error('cannot reach the websocket’s TCP socket to count bytes');
      return read;
    };
    await new Promise((resolve) => setTimeout(resolve, 100));
    const before = bytesRead();
    const received = new Promise<void>((resolve) => client.once(event, () => resolve()));
    serverSide.emit(event, sample);
    await received;
    const wireBytes = bytesRead() - before;
    return { event, sample, wireBytes, overheadBytes: wireBytes - Buffer.byteLength(JSON.stringify(sample)) };
  } finally {
    client.disconnect();
    await io.close();
  }
}
