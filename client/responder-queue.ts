import { z } from 'zod';
import type { Alarm } from '../shared/domain/index.js';
import type { LocalizedText } from '../shared/domain/text.js';
import { fieldStepSchema, MAX_REPORT_PHOTOS, type FieldAction, type FieldStepInput } from '../shared/responder.js';

/**
 * The phone's queue of steps (接警, 到场, 处置反馈) not yet confirmed by the server. Every step
 * goes through it, online or not, so steps reach the server in the order they were taken, each
 * with the time it was taken (`at`) and its own `requestId` (a re-send after a lost answer is
 * applied once). Pure: the store (stores/responder.ts) keeps it in localStorage and sends it.
 */

/** Steps kept at most. A unit takes three steps per alarm: this is days of work, and bounds the storage. */
export const QUEUE_LIMIT = 30;

/** One step waiting for the server. */
export interface QueuedStep {
  alarmId: string;
  step: FieldStepInput;
  /** A report's photos taken offline, still on the phone (photo-shelf.ts keys): uploaded just before the report (responder-photo-queue.ts). */
  photoKeys?: string[];
}

const queuedStepSchema = z.object({ alarmId: z.string().min(1).max(64), step: fieldStepSchema, photoKeys: z.array(z.string().min(1).max(64)).max(MAX_REPORT_PHOTOS).optional() });

/**
 * The queue as stored (JSON text) → the steps in it. Anything unreadable (another version's
 * format, a hand-edited value) is left out rather than sent: the server would refuse it anyway.
 */
export function parseQueue(text: string | null): QueuedStep[] {
  if (!text) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(raw)) return [];
  const steps: QueuedStep[] = [];
  for (const item of raw) {
    const parsed = queuedStepSchema.safeParse(item);
    // Stored as the phone took it (input form), not as parsed: a report's photoIds default stays implicit.
    if (parsed.success) steps.push(item as QueuedStep);
  }
  return steps.slice(0, QUEUE_LIMIT);
}

/** The queue as stored. */
export function serializeQueue(queue: readonly QueuedStep[]): string {
  return JSON.stringify(queue);
}

/** The queue with a step at its end, or `full` when it holds {@link QUEUE_LIMIT} already (nothing is pushed out). */
export function enqueue(queue: readonly QueuedStep[], entry: QueuedStep): { ok: true; queue: QueuedStep[] } | { ok: false; reason: 'full' } {
  if (queue.length >= QUEUE_LIMIT) return { ok: false, reason: 'full' };
  return { ok: true, queue: [...queue, entry] };
}

/** Whether a step of this kind for this alarm already waits (a second tap on 接警 while the first is queued). */
export function isWaiting(queue: readonly QueuedStep[], alarmId: string, action: FieldAction): boolean {
  return queue.some((entry) => entry.alarmId === alarmId && entry.step.action === action);
}

/** What became of one send. */
export type SendOutcome =
  | { kind: 'sent'; alarm: Alarm }
  /** The server said no (the alarm moved on, not this unit's, bad input): the step is dropped, the reason shown. */
  | { kind: 'refused'; status: number; error: string; message: LocalizedText | null }
  /** No answer (offline, the server down or busy, the session to renew): the step stays for the next try. */
  | { kind: 'later' };

/** Statuses that are the server's final word on a step: sending it again cannot change them. */
const FINAL_REFUSALS = new Set([400, 403, 404, 409, 410, 413, 415, 422]);

/** Reads an HTTP status as an outcome's kind: 2xx sent, a final refusal, anything else (0 = network, 401, 429, 5xx) later. */
export function outcomeKind(status: number): SendOutcome['kind'] {
  if (status >= 200 && status < 300) return 'sent';
  return FINAL_REFUSALS.has(status) ? 'refused' : 'later';
}

/** What a flush did to one step, in order. */
export interface FlushReport {
  entry: QueuedStep;
  outcome: SendOutcome;
}

/**
 * Sends the queue's steps one at a time, in order, until one cannot be sent now (`later`): that
 * one and everything after it stay, in order, for the next try. Sent and refused steps leave the
 * queue. Returns the queue that remains and what happened to each step tried.
 */
export async function flushQueue(queue: readonly QueuedStep[], send: (entry: QueuedStep) => Promise<SendOutcome>): Promise<{ remaining: QueuedStep[]; reports: FlushReport[] }> {
  const reports: FlushReport[] = [];
  let index = 0;
  for (; index < queue.length; index += 1) {
    const entry = queue[index] as QueuedStep;
    const outcome = await send(entry);
    if (outcome.kind === 'later') break;
    reports.push({ entry, outcome });
  }
  return { remaining: queue.slice(index), reports };
}

/**
 * A random version-4 UUID (a step's `requestId`). `crypto.randomUUID` exists only in secure
 * contexts; `getRandomValues` everywhere, so a phone on a plain-http LAN address still gets one.
 */
export function newRequestId(random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  const bytes = random(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
