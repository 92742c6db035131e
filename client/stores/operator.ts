import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The longest operator name the server accepts in the handshake (shared/commands.ts). */
export const OPERATOR_NAME_MAX = 40;

const STORAGE_KEY = 'xiaoan.operator';

function rememberedName(): string | null {
  try {
    return normaliseOperatorName(localStorage.getItem(STORAGE_KEY) ?? '');
  } catch {
    return null;
  }
}

/** A usable operator name (trimmed, 1 to 40 characters), or null. */
export function normaliseOperatorName(input: string): string | null {
  const name = input.trim();
  return name.length > 0 && name.length <= OPERATOR_NAME_MAX ? name : null;
}

/**
 * The duty operator (值班员) this screen acts for, until people sign in with accounts: asked once,
 * remembered on this screen, sent in the Socket.IO handshake. Commands without it are refused.
 */
export const useOperatorStore = defineStore('operator', () => {
  const name = ref<string | null>(rememberedName());

  /** Sets the name; returns false (and changes nothing) when it is empty or too long. */
  function setName(input: string): boolean {
    const next = normaliseOperatorName(input);
    if (!next) return false;
    name.value = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // The name lasts for this page only.
    }
    return true;
  }

  /** A write is waiting for a name (the education desk asks only when someone acts, not on arrival). */
  const asking = ref(false);
  let waiting: ((name: string | null) => void)[] = [];

  /** The name to act under, asking for it first when none is set; null when the person declines. */
  function actingName(): Promise<string | null> {
    if (name.value) return Promise.resolve(name.value);
    asking.value = true;
    return new Promise((resolve) => waiting.push(resolve));
  }

  /** The dialog closed: the writes that waited go on with the name given, or stop without one. */
  function finishAsking(): void {
    asking.value = false;
    const resolvers = waiting;
    waiting = [];
    for (const resolve of resolvers) resolve(name.value);
  }

  return { name, setName, asking, actingName, finishAsking };
});
