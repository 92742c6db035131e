import { watchEffect } from 'vue';
import { useI18n } from 'vue-i18n';
import { actorDevice, districtNameIn, type AlarmState } from '../../shared/domain/index.js';
import { DISPOSITIONS, SYSTEM_ACTIONS, SYSTEM_DISPOSITIONS, type Disposition, type SystemAction, type SystemDisposition } from '../../shared/rules/alarm-lifecycle.js';
import type { AlarmTransition } from '../../shared/domain/index.js';
import { useDeviceNamesStore } from '../stores/deviceNames.js';
import { useWallStore } from '../stores/wall.js';

const TIMELINE_ACTIONS = ['raise', 'ack', 'dispatch', 'arrive', 'resolve', 'false_alarm', 'cancel', 'handoff_sent', 'handoff_acked', 'convert_real'] as const;
type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

function isDisposition(value: string): value is Disposition {
  return (DISPOSITIONS as readonly string[]).includes(value);
}

function isSystemDisposition(value: string): value is SystemDisposition {
  return (SYSTEM_DISPOSITIONS as readonly string[]).includes(value);
}

function isSystemAction(value: string): value is SystemAction {
  return (SYSTEM_ACTIONS as readonly string[]).includes(value);
}

/** Names of the things an alarm refers to (districts, units, actors, steps) in the current language. */
export function useAlarmLabels() {
  const { t, locale } = useI18n();
  const wall = useWallStore();
  const deviceNames = useDeviceNamesStore();

  function district(code: string): string {
    return districtNameIn(locale.value, code);
  }

  function unit(unitId: string): string {
    return wall.policePosts.find((post) => post.id === unitId)?.name ?? unitId;
  }

  /**
   * `device:SOS-…` and `system` are steps nobody took by hand; anything else is a person's name. A
   * device shows its registered name once {@link nameActors} has asked for it, its id until then.
   */
  function actor(name: string): string {
    const id = actorDevice(name);
    if (id !== null) return deviceNames.nameOf(id) ?? t('timeline.device', { id });
    if (name === 'system') return t('timeline.system');
    return name;
  }

  /** Asks for the names of the devices among the actors the component shows, whenever they change (call in setup). */
  function nameActors(actors: () => readonly string[]): void {
    watchEffect(() => {
      for (const name of actors()) {
        const id = actorDevice(name);
        if (id !== null) deviceNames.want(id);
      }
    });
  }

  function action(name: string): string {
    if (isSystemAction(name)) return t(`systemStep.${name}`);
    return (TIMELINE_ACTIONS as readonly string[]).includes(name) ? t(`timeline.${name as TimelineAction}`) : name;
  }

  /** A step's note in the screen's language: system steps carry an English one beside the zh-CN `note`. */
  function note(step: Pick<AlarmTransition, 'note' | 'noteEn'>): string | null {
    return locale.value === 'en' && step.noteEn ? step.noteEn : step.note;
  }

  function state(name: AlarmState): string {
    return t(`alarmState.${name}`);
  }

  function disposition(code: string | null): string {
    if (!code) return '';
    if (isSystemDisposition(code)) return t(`systemDisposition.${code}`);
    return isDisposition(code) ? t(`disposition.${code}`) : code;
  }

  return { district, unit, actor, nameActors, action, state, disposition, note };
}
