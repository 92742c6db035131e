/**
 * The console's alarm sound, synthesised with Web Audio (no audio files): a two-tone warble for
 * priority 1 (one-key SOS), a slower double beep for priority 2 (intrusion). Browsers keep an
 * AudioContext suspended until a user gesture, so {@link AlertTone.unlock} must be called from
 * inside one (a click or a key press).
 */
export type AlertPattern = 1 | 2;

interface Burst {
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

export class AlertTone {
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private pattern: AlertPattern | null = null;

  /** Whether this browser can make the sound at all. */
  static supported(): boolean {
    return typeof globalThis.AudioContext === 'function';
  }

  /** Whether the context runs (a gesture unlocked it). */
  get ready(): boolean {
    return this.context?.state === 'running';
  }

  /** Creates or resumes the context; call inside a user gesture. Resolves to whether it runs. */
  async unlock(): Promise<boolean> {
    if (!AlertTone.supported()) return false;
    this.context ??= new AudioContext();
    if (this.context.state !== 'running') await this.context.resume().catch(() => undefined);
    return this.ready;
  }

  /** Plays `pattern` now and then every period until {@link stop}; switching pattern restarts it. */
  play(pattern: AlertPattern): void {
    if (this.pattern === pattern && this.timer) return;
    this.stop();
    this.pattern = pattern;
    this.burst(PATTERNS[pattern]);
    this.timer = setInterval(() => this.burst(PATTERNS[pattern]), PATTERNS[pattern].periodSeconds * 1000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.pattern = null;
  }

  private burst(burst: Burst): void {
    const context = this.context;
    if (!context || context.state !== 'running') return;
    let at = context.currentTime + 0.02;
    for (const [frequency, length] of burst.notes) {
      if (frequency > 0) this.note(context, frequency, at, length);
      at += length;
    }
  }

  private note(context: AudioContext, frequency: number, at: number, length: number): void {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = 'square';
    oscillator.frequency.setValueAtTime(frequency, at);
    // Short ramps at both ends: no clicks, still a hard-edged alarm sound.
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(VOLUME, at + 0.01);
    gain.gain.setValueAtTime(VOLUME, at + length - 0.02);
    gain.gain.linearRampToValueAtTime(0, at + length);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(at);
    oscillator.stop(at + length + 0.01);
  }
}
