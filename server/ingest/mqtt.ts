import { hostname } from 'node:os';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../logger.js';
import { breachWords, scanJson } from '../http/json-guard.js';
import type { IngestService } from './ingest.service.js';
import { INGEST_JSON_LIMITS } from './limits.js';

/** Topic of the public MQTT contract: `xiaoan/events/<gatewayId>`. */
export const MQTT_EVENTS_TOPIC = 'xiaoan/events/+';
const TOPIC_PREFIX = 'xiaoan/events/';
/** Shared subscription: with several server nodes, each message is taken by exactly one. */
const SHARED_TOPIC = `$share/xiaoan-ingest/${MQTT_EVENTS_TOPIC}`;

/** Running totals for the health route. */
export interface MqttCounters {
  connected: boolean;
  /** Messages handled: stored, or refused with a logged reason. */
  messages: number;
  accepted: number;
  rejected: number;
  /** Messages whose payload was not JSON, or too large or deep to read (nothing of them could be used). */
  unreadable: number;
}

/** A running MQTT consumer. */
export interface MqttIngest {
  counters: MqttCounters;
  /** Resolves once subscribed (or rejects when the broker cannot be reached in time). */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Consumes the ingest contract from a broker (DESIGN.md §4): the same validation and
 * idempotency as HTTP, because it is the same IngestService. Messages are handled one at a
 * time and acknowledged (QoS 1 PUBACK) only after the accepted events are stored. A bad message
 * or item is logged with its reason and counted; it never stops the consumer.
 */
export function startMqttIngest(options: { url: string; ingest: IngestService; log: Logger; clientId?: string; maxBytes?: number }): MqttIngest {
  /** The HTTP body limit (XIAOAN_INGEST_MAX_BYTES) holds for a payload too. */
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024;
  const { ingest, log } = options;
  const counters: MqttCounters = { connected: false, messages: 0, accepted: 0, rejected: 0, unreadable: 0 };
  const client: MqttClient = mqtt.connect(options.url, {
    protocolVersion: 5,
    clientId: options.clientId ?? `xiaoan-${hostname()}-${process.pid}`,
    clean: true,
    reconnectPeriod: 2_000,
    connectTimeout: 10_000,
  });

  // mqtt.js sends the PUBACK after this callback: store first, then acknowledge.
  client.handleMessage = (packet, done) => {
    if (packet.cmd !== 'publish') {
      done();
      return;
    }
    void handle(packet.topic, Buffer.from(packet.payload)).then(() => done(), (error: unknown) => {
      log.error({ err: error, topic: packet.topic }, 'mqtt message failed; the broker will redeliver it');
      done(error instanceof Error ? error : new Error(String(error)));
    });
  };

  async function handle(topic: string, payload: Buffer): Promise<void> {
    try {
      await consume(topic, payload);
    } finally {
      counters.messages++; // Counted once handled, so a reader of the counter sees its effects.
    }
  }

  /** Counts and logs a message none of which could be used. */
  function unreadable(topic: string, payload: Buffer, why: string): void {
    counters.unreadable++;
    counters.rejected++;
    log.warn({ topic, bytes: payload.length, error: why }, `mqtt message rejected: ${why}`);
  }

  async function consume(topic: string, payload: Buffer): Promise<void> {
    // Ids are unique within the gateway that numbered them (DESIGN.md §4).
    const gatewayId = topic.slice(TOPIC_PREFIX.length);
    if (!topic.startsWith(TOPIC_PREFIX) || gatewayId === '') return unreadable(topic, payload, 'the topic names no gateway: publish to xiaoan/events/<gatewayId>');
    if (payload.length > maxBytes) return unreadable(topic, payload, `the payload is larger than the size limit (${maxBytes} bytes)`);
    // Bounded before parsing, as an HTTP body is: nested brackets never reach JSON.parse.
    const breach = scanJson(payload, INGEST_JSON_LIMITS);
    if (breach) return unreadable(topic, payload, breachWords(breach, { item: 'events', itemZh: '事件' }).error);
    let body: unknown;
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      counters.unreadable++;
      counters.rejected++;
      log.warn({ topic, bytes: payload.length }, 'mqtt message rejected: the payload is not valid JSON');
      return;
    }
    const { result } = await ingest.ingest(body, `mqtt:${gatewayId}`);
    counters.accepted += result.accepted;
    counters.rejected += result.rejected.length + (result.error ? 1 : 0);
    if (result.error) log.warn({ topic, error: result.error }, 'mqtt message rejected');
    for (const item of result.rejected) log.warn({ topic, index: item.index, error: item.error }, 'mqtt event rejected');
  }

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`MQTT broker ${options.url} did not answer within 10 s`)), 10_000);
    client.on('connect', () => {
      counters.connected = true;
      client.subscribe(SHARED_TOPIC, { qos: 1 }, (error) => {
        if (error) {
          log.error({ err: error }, 'mqtt subscribe failed');
          return;
        }
        clearTimeout(timer);
        log.info({ topic: MQTT_EVENTS_TOPIC }, 'mqtt ingest subscribed');
        resolve();
      });
    });
  });
  client.on('close', () => {
    counters.connected = false;
  });
  client.on('error', (error) => log.warn({ err: error }, 'mqtt connection error'));

  return {
    counters,
    ready,
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
