/**
 * The console's alarm sound, synthesised here (no audio files): a two-tone warble for priority 1
 * (one-key SOS), a slower double beep for priority 2 (intrusion). Browsers refuse to play sound
 * until a user gesture, so {@link AlertTone.unlock} must be called from inside one (a click or a
 * key press).
 */
export type AlertPattern = 1 | 2;

export interface Burst {
  /** Seconds between the starts of two bursts. */
  periodSeconds: number;
  /** Notes of one burst: frequency in Hz and length in seconds, played back to back. */
  notes: [number, number][];
}

const PATTERNS: Record<AlertPattern, Burst> = {
  1: { periodSeconds: 1.4, notes: [[988, 0.16], [740, 0.16], [988, 0.16], [740, 0.16]] },
  2: { periodSeconds: 2.4, notes: [[880, 0.18], [0, 0.12], [880, 0.18]] },
};
/** Loud enough to hear across a room over speech, well short of clipping. */
const VOLUME = 0.22;
/** Samples per second of the synthesised sound: well above the highest note's harmonics that matter. */
const SAMPLE_RATE = 16_000;
/** Ramps at both ends of a note, seconds: no clicks, still a hard-edged alarm sound. */
const RAMP_SECONDS = 0.01;

/**
 * One period of `burst` (its notes, then silence to the period's end) as a 16-bit mono WAV file,
 * square waves: played in a loop, it is the alarm sound.
 */
export function burstWav(burst: Burst, rate = SAMPLE_RATE): Uint8Array<ArrayBuffer> {
  const samples = Math.round(burst.periodSeconds * rate);
  const bytes = new Uint8Array(44 + samples * 2);
  const view = new DataView(bytes.buffer);
  const text = (at: number, value: string): void => {
    for (let i = 0; i < value.length; i += 1) view.setUint8(at + i, value.charCodeAt(i));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + samples * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true); // the format chunk's size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * 2, true); // bytes per second
  view.setUint16(32, 2, true); // bytes per sample
  view.setUint16(34, 16, true); // bits per sample
  text(36, 'data');
  view.setUint32(40, samples * 2, true);
  let start = 0;
  for (const [frequency, length] of burst.notes) {
    const count = Math.min(Math.round(length * rate), samples - start);
    const ramp = RAMP_SECONDS * rate;
    for (let i = 0; frequency > 0 && i < count; i += 1) {
      const envelope = Math.min(1, i / ramp, (count - i) / ramp);
      const sign = Math.floor((2 * frequency * i) / rate) % 2 === 0 ? 1 : -1;
      view.setInt16(44 + (start + i) * 2, Math.round(sign * envelope * VOLUME * 32_767), true);
    }
    start += count;
  }
  return bytes;
}

/** A tenth of a second of silence: what a gesture plays to unlock the sound. */
const SILENCE: Burst = { periodSeconds: 0.1, notes: [] };

/**
 * Plays the alarm sound through an audio element, a WAV made here. Not Web Audio: Chromium's first
 * `new AudioContext()` opens the audio device on the page's thread — 180–270 ms in one task on a
 * machine here, at the operator's first click — where an audio element starts in the background.
 */
export class AlertTone {
  private unlocked = false;
  private readonly players = new Map<AlertPattern, HTMLAudioElement>();
  private playing: HTMLAudioElement | null = null;
  private pattern: AlertPattern | null = null;

  /** Whether this browser can make the sound at all. */
  static supported(): boolean {
    return typeof globalThis.Audio === 'function' && typeof URL.createObjectURL === 'function';
  }

  /** Whether the browser lets the page play sound (a gesture unlocked it). */
  get ready(): boolean {
    return this.unlocked;
  }

  /** Plays a moment of silence; call inside a user gesture. Resolves to whether the browser let it play. */
  async unlock(): Promise<boolean> {
    if (!AlertTone.supported()) return false;
    if (this.unlocked) return true;
    const silence = player(SILENCE);
    try {
      await silence.play();
      this.unlocked = true;
    } catch {
      // Refused: not inside a gesture, or no way to play sound.
    } finally {
      silence.pause();
      URL.revokeObjectURL(silence.src);
    }
    if (this.unlocked && this.pattern) this.start(this.pattern);
    return this.unlocked;
  }

  /** Plays `pattern` now and then every period until {@link stop}; switching pattern restarts it. */
  play(pattern: AlertPattern): void {
    if (this.pattern === pattern && this.playing) return;
    this.stop();
    this.pattern = pattern;
    if (this.unlocked) this.start(pattern);
  }

  stop(): void {
    this.playing?.pause();
    this.playing = null;
    this.pattern = null;
  }

  private start(pattern: AlertPattern): void {
    let audio = this.players.get(pattern);
    if (!audio) {
      audio = player(PATTERNS[pattern]);
      audio.loop = true;
      this.players.set(pattern, audio);
    }
    audio.currentTime = 0;
    this.playing = audio;
    audio.play().catch(() => {
      // The browser took the permission back (a rare policy change): the screen still shows the alarm.
      if (this.playing === audio) this.playing = null;
    });
  }
}

function player(burst: Burst): HTMLAudioElement {
  return new Audio(URL.createObjectURL(new Blob([burstWav(burst)], { type: 'audio/wav' })));
}
