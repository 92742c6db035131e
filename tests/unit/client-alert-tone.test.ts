import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertTone, burstWav } from '../../client/alert-tone.js';

/**
 * The console's alarm sound (client/alert-tone.ts): a WAV made on the page, played by an audio
 * element in a loop — not Web Audio, whose first context opens the audio device on the page's
 * thread (180–270 ms in one task here, at the operator's first click).
 */
const RATE = 16_000;

function sampleAt(wav: Uint8Array, index: number): number {
  return new DataView(wav.buffer).getInt16(44 + index * 2, true);
}

describe('the alarm sound as a WAV', () => {
  it('is one period of the burst: a 16-bit mono PCM file, the notes, then silence', () => {
    const wav = burstWav({ periodSeconds: 1.4, notes: [[988, 0.16], [740, 0.16]] }, RATE);
    const view = new DataView(wav.buffer);
    const text = (at: number, length: number): string => String.fromCharCode(...wav.subarray(at, at + length));
    expect([text(0, 4), text(8, 4), text(12, 4), text(36, 4)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
    expect([view.getUint16(20, true), view.getUint16(22, true), view.getUint32(24, true), view.getUint16(34, true)]).toEqual([1, 1, RATE, 16]);
    const samples = view.getUint32(40, true) / 2;
    expect(samples).toBe(1.4 * RATE);
    expect(wav.length).toBe(44 + samples * 2);
    expect(view.getUint32(4, true)).toBe(wav.length - 8);

    // Loud in the middle of each note, square: as often positive as negative; silent after the notes.
    const first = Array.from({ length: 0.1 * RATE }, (_, i) => sampleAt(wav, 0.03 * RATE + i));
    expect(Math.max(...first)).toBe(Math.round(0.22 * 32_767));
    expect(Math.min(...first)).toBe(-Math.round(0.22 * 32_767));
    const positives = first.filter((sample) => sample > 0).length;
    expect(positives / first.length).toBeCloseTo(0.5, 1);
    const after = Array.from({ length: 0.5 * RATE }, (_, i) => sampleAt(wav, 0.4 * RATE + i));
    expect(after.every((sample) => sample === 0)).toBe(true);
    // Each note starts from silence (no click): its first sample is 0.
    expect(sampleAt(wav, 0)).toBe(0);
    expect(sampleAt(wav, 0.16 * RATE)).toBe(0);
  });

  it('has the note at its pitch: 988 Hz is 988 rises a second', () => {
    const wav = burstWav({ periodSeconds: 1, notes: [[988, 1]] }, RATE);
    let rises = 0;
    for (let i = 1; i < RATE; i += 1) if (sampleAt(wav, i - 1) <= 0 && sampleAt(wav, i) > 0) rises += 1;
    expect(rises).toBeGreaterThanOrEqual(986);
    expect(rises).toBeLessThanOrEqual(989);
  });

  it('leaves a rest silent and keeps the notes after it in their place', () => {
    const wav = burstWav({ periodSeconds: 2.4, notes: [[880, 0.18], [0, 0.12], [880, 0.18]] }, RATE);
    const rest = Array.from({ length: 0.1 * RATE }, (_, i) => sampleAt(wav, 0.19 * RATE + i));
    expect(rest.every((sample) => sample === 0)).toBe(true);
    expect(Math.abs(sampleAt(wav, 0.4 * RATE))).toBe(Math.round(0.22 * 32_767));
  });
});

describe('the alarm sound played', () => {
  let made: FakeAudio[];
  let allowed: boolean;

  class FakeAudio {
    loop = false;
    currentTime = 5;
    paused = true;
    constructor(readonly src: string) {
      made.push(this);
    }
    play(): Promise<void> {
      if (!allowed) return Promise.reject(new Error('NotAllowedError'));
      this.paused = false;
      return Promise.resolve();
    }
    pause(): void {
      this.paused = true;
    }
  }

  beforeEach(() => {
    made = [];
    allowed = true;
    vi.stubGlobal('Audio', FakeAudio);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('stays locked when the browser refuses to play, and plays nothing', async () => {
    allowed = false;
    const tone = new AlertTone();
    await expect(tone.unlock()).resolves.toBe(false);
    tone.play(1);
    expect(made.filter((audio) => !audio.paused)).toHaveLength(0);
    expect(tone.ready).toBe(false);
  });

  it('plays a pattern from its start in a loop once unlocked, switches, and stops', async () => {
    const tone = new AlertTone();
    tone.play(1); // before the gesture: waits for it
    expect(made).toHaveLength(0);
    await expect(tone.unlock()).resolves.toBe(true);
    // The silence that unlocked it is let go; the pattern plays, looping, from its start.
    const sos = made.at(-1);
    expect(made).toHaveLength(2);
    expect([sos?.loop, sos?.paused, sos?.currentTime]).toEqual([true, false, 0]);
    expect(made[0]?.paused).toBe(true);

    tone.play(2);
    expect(sos?.paused).toBe(true);
    const intrusion = made.at(-1);
    expect(intrusion).not.toBe(sos);
    expect(intrusion?.paused).toBe(false);

    tone.stop();
    expect(made.every((audio) => audio.paused)).toBe(true);
    // The same pattern again reuses its element.
    tone.play(1);
    expect(made).toHaveLength(3);
    expect(sos?.paused).toBe(false);
  });
});
