// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAlarmStore } from '../../client/stores/alarms.js';
import { useAlertSoundStore } from '../../client/stores/alertSound.js';
import { makeAlarm } from './helpers/alarm.js';

/** The browser's audio element as far as the tone uses it: it plays (a gesture allowed it). */
class FakeAudio {
  loop = false;
  currentTime = 0;
  constructor(readonly src: string) {}
  play(): Promise<void> {
    return Promise.resolve();
  }
  pause(): void {}
}

describe(useAlertSoundStore.name, () => {
  beforeEach(() => {
    vi.stubGlobal('Audio', FakeAudio);
    setActivePinia(createPinia());
  });
  afterEach(() => vi.unstubAllGlobals());

  it('enables the sound on the first press of the button, though the console unlocked the audio as the press began', async () => {
    const sut = useAlertSoundStore();
    expect(sut.state).toBe('locked');
    // The console's capture-phase pointerdown runs first and unlocks; then the button's click arrives.
    await sut.gesture();
    expect(sut.state).toBe('armed');
    await sut.press();
    expect(sut.state).toBe('armed');
    expect(sut.muted).toBe(false);
  });

  it('mutes on the second press and unmutes on the third', async () => {
    const sut = useAlertSoundStore();
    await sut.gesture();
    await sut.press();
    await sut.gesture();
    await sut.press();
    expect(sut.state).toBe('muted');
    await sut.gesture();
    await sut.press();
    expect(sut.state).toBe('armed');
  });

  it('enables the sound on a first click elsewhere, and the next press of the button mutes it', async () => {
    const sut = useAlertSoundStore();
    await sut.gesture(); // a click on the map, say: no press follows
    expect(sut.state).toBe('armed');
    await sut.gesture();
    await sut.press();
    expect(sut.state).toBe('muted');
  });

  it('enables the sound on a press without a noted gesture (a click dispatched straight to the button)', async () => {
    const sut = useAlertSoundStore();
    await sut.press();
    expect(sut.state).toBe('armed');
  });

  it('says alerting while a real unacknowledged P1/P2 alarm waits, and not for drills or P3/P4', async () => {
    const alarms = useAlarmStore();
    const sut = useAlertSoundStore();
    await sut.gesture();
    await sut.press();
    alarms.applyChange({ seq: 1, alarm: makeAlarm({ id: 'drill', drill: true }) });
    alarms.applyChange({ seq: 2, alarm: makeAlarm({ id: 'post', type: 'post_absent', priority: 3 }) });
    expect(sut.state).toBe('armed');
    alarms.applyChange({ seq: 3, alarm: makeAlarm({ id: 'sos' }) });
    expect(sut.state).toBe('alerting');
    await sut.gesture();
    await sut.press();
    expect(sut.state).toBe('muted');
  });
});
