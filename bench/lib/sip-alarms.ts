/**
 * SOS raised over SIP, timed to the operator's socket: each alarm is a Notify/Alarm from a
 * school's NVR for its one-key alarm input (kind `sos`, GB type 134), sent from the bench process
 * (the NVRs registered here, apart from the keepalive generator's), every `everyMs` whether or not
 * the previous one has arrived, and matched on the operator's socket by the button's device id.
 */
import type { SipAnswer, SipDevice } from './sip-device.js';
import type { Screen } from './screens.js';
import { sleep } from './stats.js';

/** An NVR of the bench process and the one-key button it reports for. */
export interface AlarmSource {
  device: SipDevice;
  /** The button's registry id (what the alarm on the screen names) and GB code (what the NVR's Notify/Alarm names). */
  button: { id: string; code: string };
}

export interface AlarmRound {
  /** ms from just before the Notify/Alarm is sent to the `alarm` on the operator's socket, for the alarms that arrived. */
  latencies: number[];
  /** Alarms not on the socket within the wait. */
  lost: number;
  /** The platform's answers to the Notify/Alarm, by status (0: none in time). */
  answers: Record<string, number>;
  /** How long the platform took to answer 200, ms. */
  answerMs: number[];
}

export class SipAlarmProbe {
  private next = 0;
  private readonly waiting = new Map<string, (at: number) => void>();

  constructor(
    private readonly screen: Screen,
    private readonly sources: readonly AlarmSource[],
    /** SNs are unique within a run and across runs on one data directory (the alarm id is `sn:<SN>` per NVR). */
    private sn: number,
  ) {
    screen.onAlarm = (change, at) => {
      const arrived = this.waiting.get(change.alarm.deviceId);
      if (arrived) {
        this.waiting.delete(change.alarm.deviceId);
        arrived(at);
      }
    };
  }

  /** Alarms left (each button is used once: a second SOS from a button with one open would fold into it). */
  get remaining(): number {
    return this.sources.length - this.next;
  }

  /** `count` alarms, one every `everyMs`, each from a button not used before; waits up to `waitMs` after the last for stragglers. */
  async round(count: number, everyMs: number, waitMs = 10_000): Promise<AlarmRound> {
    if (count > this.remaining) throw new Error(`only ${this.remaining} unused SOS buttons left for ${count} alarms`);
    const round: AlarmRound = { latencies: [], lost: 0, answers: {}, answerMs: [] };
    const flights: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const due = started + i * everyMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      flights.push(this.one(this.sources[this.next++]!, round, waitMs));
    }
    await Promise.all(flights);
    return round;
  }

  private async one(source: AlarmSource, round: AlarmRound, waitMs: number): Promise<void> {
    let arrived!: (at: number) => void;
    const arrival = new Promise<number>((resolve) => (arrived = resolve));
    this.waiting.set(source.button.id, arrived);
    const t0 = performance.now();
    const answered: Promise<SipAnswer> = source.device.alarm(source.button.code, this.sn++, '一键报警（压测）');
    let timer: NodeJS.Timeout | undefined;
    const at = await Promise.race([arrival, new Promise<number>((resolve) => (timer = setTimeout(() => resolve(Number.POSITIVE_INFINITY), waitMs)))]);
    clearTimeout(timer);
    this.waiting.delete(source.button.id);
    if (Number.isFinite(at)) round.latencies.push(at - t0);
    else round.lost++;
    const answer = await answered;
    round.answers[answer.status] = (round.answers[answer.status] ?? 0) + 1;
    if (answer.status === 200) round.answerMs.push(answer.ms);
  }
}
