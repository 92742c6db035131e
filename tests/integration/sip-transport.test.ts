import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SipTransports, type SipPeer, type SipTransportHandlers } from '../../server/gb28181/transport.js';

/** What the transports handed over, and a switch for the per-address rate. */
function recorder(admitAll = true) {
  const seen = { messages: [] as string[], peers: [] as SipPeer[], oversized: 0, unframeable: 0, admitted: 0, dropped: 0 };
  let admitting = admitAll;
  const handlers: SipTransportHandlers = {
    admit: () => {
      if (admitting) seen.admitted++;
      else seen.dropped++;
      return admitting;
    },
    message: (data, peer) => {
      seen.messages.push(data.toString('latin1'));
      seen.peers.push(peer);
      peer.send(Buffer.from(`ECHO ${seen.messages.length}\r\n`));
    },
    oversized: (head, peer) => {
      seen.oversized++;
      peer.send(Buffer.from(`TOO LARGE ${head.length}\r\n`));
    },
    unframeable: () => {
      seen.unframeable++;
    },
  };
  return { seen, handlers, setAdmitting: (on: boolean) => (admitting = on) };
}

function sipMessage(n: number, body = ''): string {
  return `MESSAGE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK${n}\r\nCall-ID: ${n}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const until = async (ok: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

let transports: SipTransports | null = null;
afterEach(async () => {
  await transports?.close();
  transports = null;
});

describe('SIP over TCP (RFC 3261 §18.3 framing)', () => {
  it('frames by Content-Length: several messages in one write, one split over many, CRLF pings between', async () => {
    const { seen, handlers } = recorder();
    transports = new SipTransports(handlers, 4096);
    const { tcpPort } = await transports.start('127.0.0.1', 0);
    const socket = net.connect(tcpPort, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const replies: string[] = [];
    socket.on('data', (chunk) => replies.push(chunk.toString()));
    socket.write(sipMessage(1, '<a/>') + '\r\n\r\n' + sipMessage(2, 'hello'));
    const third = Buffer.from(sipMessage(3, '<Notify>x</Notify>'));
    for (let i = 0; i < third.length; i += 7) socket.write(third.subarray(i, i + 7));
    await until(() => seen.messages.length === 3);
    expect(seen.messages[0]).toBe(sipMessage(1, '<a/>'));
    expect(seen.messages[1]).toBe(sipMessage(2, 'hello'));
    expect(seen.messages[2]).toBe(sipMessage(3, '<Notify>x</Notify>'));
    expect(seen.peers[0]).toMatchObject({ transport: 'TCP', address: '127.0.0.1', port: socket.localPort, localPort: tcpPort });
    await until(() => replies.join('').includes('ECHO 3'));
    // The platform reaches the device on its open connection.
    expect(transports.sendTo('TCP', '127.0.0.1', socket.localPort ?? 0, Buffer.from('PUSH\r\n'))).toBe(true);
    await until(() => replies.join('').includes('PUSH'));
    socket.destroy();
    await until(() => !transports?.sendTo('TCP', '127.0.0.1', socket.localPort ?? 0, Buffer.from('x')));
  });

  it('refuses a message larger than the limit and closes the connection, without reading it', async () => {
    const { seen, handlers } = recorder();
    transports = new SipTransports(handlers, 2048);
    const { tcpPort } = await transports.start('127.0.0.1', 0);
    const socket = net.connect(tcpPort, '127.0.0.1');
    const replies: string[] = [];
    socket.on('data', (chunk) => replies.push(chunk.toString()));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(sipMessage(1, 'x'.repeat(5000)));
    await closed;
    expect(seen.oversized).toBe(1);
    expect(seen.messages).toEqual([]);
    expect(replies.join('')).toMatch(/^TOO LARGE/);
  });

  it('closes a connection that sends kilobytes that are not SIP (no end of headers)', async () => {
    const { seen, handlers } = recorder();
    transports = new SipTransports(handlers, 32_768);
    const { tcpPort } = await transports.start('127.0.0.1', 0);
    const socket = net.connect(tcpPort, '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(Buffer.alloc(10_000, 0x41));
    await closed;
    expect(seen.unframeable).toBe(1);
    expect(seen.messages).toEqual([]);
  });

  it('drops what the per-address rate does not admit, on either transport', async () => {
    const { seen, handlers, setAdmitting } = recorder();
    transports = new SipTransports(handlers, 4096);
    const { tcpPort, udpPort } = await transports.start('127.0.0.1', 0);
    setAdmitting(false);
    const socket = net.connect(tcpPort, '127.0.0.1');
    socket.write(sipMessage(1) + sipMessage(2));
    const udp = dgram.createSocket('udp4');
    udp.send(Buffer.from(sipMessage(3)), udpPort, '127.0.0.1');
    await until(() => seen.dropped === 3);
    expect(seen.messages).toEqual([]);
    socket.destroy();
    udp.close();
  });
});

describe('SIP over UDP', () => {
  it('takes one datagram as one message, answers to its source, and hands an oversized one over as such', async () => {
    const { seen, handlers } = recorder();
    transports = new SipTransports(handlers, 2048);
    const { udpPort } = await transports.start('127.0.0.1', 0, '10.9.8.7');
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', () => resolve()));
    const replies: string[] = [];
    udp.on('message', (data) => replies.push(data.toString()));
    udp.send(Buffer.from(sipMessage(1, 'body')), udpPort, '127.0.0.1');
    udp.send(Buffer.from('\r\n\r\n'), udpPort, '127.0.0.1'); // a keep-alive ping: nothing to read
    udp.send(Buffer.from(sipMessage(2, 'y'.repeat(3000))), udpPort, '127.0.0.1');
    await until(() => replies.length === 2);
    expect(seen.messages).toEqual([sipMessage(1, 'body')]);
    // The platform's own requests to it will name the announced address, not the socket's.
    expect(seen.peers[0]).toMatchObject({ transport: 'UDP', address: '127.0.0.1', port: udp.address().port, localAddress: '10.9.8.7', localPort: udpPort });
    expect(seen.oversized).toBe(1);
    expect(replies.sort()).toEqual(['ECHO 1\r\n', expect.stringMatching(/^TOO LARGE/)]);
    udp.close();
  });
});
