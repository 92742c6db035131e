import dgram from 'node:dgram';
import net from 'node:net';
import type { SipTransport } from '../../shared/sip.js';
import { MAX_HEADER_BYTES } from './sip-message.js';

/** Where a message came from, and how to answer it there. */
export interface SipPeer {
  transport: SipTransport;
  address: string;
  port: number;
  /** The local address and port it reached (for Via of requests sent back). */
  localAddress: string;
  localPort: number;
  send(data: Buffer): void;
}

/** What the transports hand the endpoint. */
export interface SipTransportHandlers {
  /** Whether the source may send one more message now (the per-address rate); false drops it unread. */
  admit(address: string): boolean;
  message(data: Buffer, peer: SipPeer): void;
  /** A message larger than the limit: `head` is its first bytes (enough to answer 413 on TCP). */
  oversized(head: Buffer, peer: SipPeer): void;
  /** Bytes on a stream that cannot be framed as SIP (the connection is closed). */
  unframeable(peer: SipPeer): void;
}

/** Most TCP connections held at once, and from one address. */
const MAX_CONNECTIONS = 20_000;
const MAX_CONNECTIONS_PER_ADDRESS = 512;
/** A TCP connection silent this long is closed (devices keep alive every 60 s). */
const IDLE_MS = 10 * 60_000;
const CONTENT_LENGTH = /^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*$/im;
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * UDP and TCP listeners of the SIP endpoint. UDP: one datagram is one message. TCP: messages are
 * framed by their Content-Length (RFC 3261 §18.3); a connection that sends more than the size
 * limit without a frame, or bytes that are not SIP, is closed. Every message is admitted by the
 * per-address rate before anything else is done with it.
 */
export class SipTransports {
  private udp: dgram.Socket | null = null;
  private tcp: net.Server | null = null;
  private readonly streams = new Map<string, net.Socket>();
  private readonly perAddress = new Map<string, number>();

  constructor(private readonly handlers: SipTransportHandlers, private readonly maxBytes: number) {}

  /**
   * Listens on `host`: UDP and TCP on `port` (0: a free port each). `announce` is the address a
   * UDP peer is told the platform answers at (a datagram socket on a wildcard address cannot tell
   * which of its addresses a device reached; a TCP connection can).
   */
  async start(host: string, port: number, announce: string = host): Promise<{ udpPort: number; tcpPort: number }> {
    const udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
    this.udp = udp;
    udp.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, host, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    const udpPort = udp.address().port;
    udp.on('message', (data, remote) => this.datagram(data, remote, announce, udpPort));

    const tcp = net.createServer((socket) => this.connection(socket));
    tcp.maxConnections = MAX_CONNECTIONS;
    this.tcp = tcp;
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port === 0 ? 0 : port, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
    const address = tcp.address();
    return { udpPort, tcpPort: typeof address === 'object' && address ? address.port : port };
  }

  /** Sends `data` to a device: over UDP to its address, over TCP on its open connection (false when it has none). */
  sendTo(transport: SipTransport, address: string, port: number, data: Buffer): boolean {
    if (transport === 'UDP') {
      this.udp?.send(data, port, address);
      return this.udp !== null;
    }
    const stream = this.streams.get(`${address}:${port}`);
    if (!stream || stream.destroyed) return false;
    stream.write(data);
    return true;
  }

  async close(): Promise<void> {
    for (const stream of this.streams.values()) stream.destroy();
    this.streams.clear();
    await Promise.all([
      new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve())),
      new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
    ]);
    this.udp = null;
    this.tcp = null;
  }

  private datagram(data: Buffer, remote: dgram.RemoteInfo, localAddress: string, localPort: number): void {
    if (!this.handlers.admit(remote.address)) return;
    const udp = this.udp;
    const peer: SipPeer = {
      transport: 'UDP', address: remote.address, port: remote.port, localAddress, localPort,
      send: (reply) => udp?.send(reply, remote.port, remote.address),
    };
    // Devices send CRLF keep-alives on some stacks: nothing to read.
    if (data.length <= 4 && data.toString('latin1').trim() === '') return;
    if (data.length > this.maxBytes) this.handlers.oversized(data.subarray(0, MAX_HEADER_BYTES), peer);
    else this.handlers.message(data, peer);
  }

  private connection(socket: net.Socket): void {
    const address = socket.remoteAddress ?? '';
    const open = this.perAddress.get(address) ?? 0;
    if (open >= MAX_CONNECTIONS_PER_ADDRESS) {
      socket.destroy();
      return;
    }
    this.perAddress.set(address, open + 1);
    const key = `${address}:${socket.remotePort ?? 0}`;
    this.streams.set(key, socket);
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.streams.delete(key);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    const peer: SipPeer = {
      transport: 'TCP', address, port: socket.remotePort ?? 0, localAddress: socket.localAddress ?? '', localPort: socket.localPort ?? 0,
      send: (reply) => {
        if (!socket.destroyed) socket.write(reply);
      },
    };
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      buffered = this.frames(buffered, peer, socket);
    });
  }

  /** Hands every whole message in `data` to the endpoint; returns the bytes of the next, unfinished one. */
  private frames(input: Buffer, peer: SipPeer, socket: net.Socket): Buffer {
    let data = input;
    while (data.length > 0) {
      // CRLF keep-alive pings between messages (RFC 5626 §3.5.1).
      let start = 0;
      while (start < data.length && (data[start] === 0x0d || data[start] === 0x0a)) start++;
      data = data.subarray(start);
      const end = data.indexOf(HEADER_END);
      if (end < 0) {
        if (data.length > MAX_HEADER_BYTES) return this.refuse(data, peer, socket, 'unframeable');
        return data;
      }
      const length = CONTENT_LENGTH.exec(data.toString('latin1', 0, end));
      const total = end + HEADER_END.length + (length ? Number(length[1]) : 0);
      if (total > this.maxBytes) return this.refuse(data, peer, socket, 'oversized');
      if (data.length < total) return data;
      const message = data.subarray(0, total);
      data = data.subarray(total);
      if (this.handlers.admit(peer.address)) this.handlers.message(Buffer.from(message), peer);
    }
    return data;
  }

  private refuse(data: Buffer, peer: SipPeer, socket: net.Socket, why: 'oversized' | 'unframeable'): Buffer {
    if (why === 'oversized') this.handlers.oversized(data.subarray(0, MAX_HEADER_BYTES), peer);
    else this.handlers.unframeable(peer);
    socket.end();
    return Buffer.alloc(0);
  }
}
