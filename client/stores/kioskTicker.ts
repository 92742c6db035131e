import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { Alarm, AlarmPriority, AlarmState, AlarmType } from '../../shared/domain/index.js';

/**
 * A fixed-capacity ring: pushing past capacity overwrites the oldest entry. Memory never grows
 * with the number of items that went through it (a wall that runs for months).
 */
export class RingBuffer<T> {
  private readonly slots: (T | undefined)[];
  /** Index of the next write. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a whole number ≥ 1, got ${capacity}`);
    this.slots = new Array<T | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an item; returns the one it overwrote, if the ring was full. */
  push(item: T): T | undefined {
    const evicted = this.count === this.capacity ? this.slots[this.head] : undefined;
    this.slots[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
    return evicted;
  }

  /** Replaces the first item that matches, in place (its age is kept); false when none does. */
  replace(matches: (item: T) => boolean, item: T): boolean {
    for (let i = 0; i < this.capacity; i += 1) {
      const kept = this.slots[i];
      if (kept !== undefined && matches(kept)) {
        this.slots[i] = item;
        return true;
      }
    }
    return false;
  }

  /** Whether an item matches. */
  some(matches: (item: T) => boolean): boolean {
    return this.slots.some((item) => item !== undefined && matches(item));
  }

  /** The items, newest first. */
  newestFirst(): T[] {
    const items: T[] = [];
    for (let i = 1; i <= this.count; i += 1) {
      const item = this.slots[(this.head - i + this.capacity) % this.capacity];
      if (item !== undefined) items.push(item);
    }
    return items;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}

/** Rows of the kiosk's bottom ticker. */
export const TICKER_ROWS = 5;

/** What a ticker row shows of an alarm: a small copy, not the alarm with its growing transitions. */
export interface TickerRow {
  alarmId: string;
  type: AlarmType;
  priority: AlarmPriority;
  state: AlarmState;
  drill: boolean;
  schoolId: string;
  districtCode: string;
  receivedAt: string;
  count: number;
}

/** The ticker row of an alarm. */
export function toTickerRow(alarm: Alarm): TickerRow {
  return {
    alarmId: alarm.id,
    type: alarm.type,
    priority: alarm.priority,
    state: alarm.state,
    drill: alarm.drill,
    schoolId: alarm.schoolId,
    districtCode: alarm.districtCode,
    receivedAt: alarm.receivedAt,
    count: alarm.count,
  };
}

/**
 * The latest alarms for the kiosk's ticker, a ring of TICKER_ROWS: a new alarm takes the oldest
 * row; a change of an alarm already shown updates its row in place.
 */
export const useKioskTickerStore = defineStore('kioskTicker', () => {
  const ring = new RingBuffer<TickerRow>(TICKER_ROWS);
  /** Always exactly TICKER_ROWS slots, newest first; null for an empty slot. */
  const slots = shallowRef<(TickerRow | null)[]>(new Array<TickerRow | null>(TICKER_ROWS).fill(null));

  function publish(): void {
    const rows: (TickerRow | null)[] = ring.newestFirst();
    while (rows.length < TICKER_ROWS) rows.push(null);
    slots.value = rows;
  }

  /** One alarm change, as the screen applied it. */
  function record(alarm: Alarm): void {
    const row = toTickerRow(alarm);
    if (!ring.replace((kept) => kept.alarmId === alarm.id, row)) ring.push(row);
    publish();
  }

  /** A fresh picture: the latest alarms of it, oldest pushed first so the newest ends on top. */
  function reset(alarms: readonly Alarm[]): void {
    ring.clear();
    const latest = [...alarms].sort((a, b) => (a.receivedAt < b.receivedAt ? 1 : a.receivedAt > b.receivedAt ? -1 : 0)).slice(0, TICKER_ROWS);
    for (const alarm of latest.reverse()) ring.push(toTickerRow(alarm));
    publish();
  }

  return { slots, record, reset };
});
