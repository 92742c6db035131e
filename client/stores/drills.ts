import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Drill, DrillAnswer, DrillDetail, DrillPlan } from '../../shared/drill.js';
import { scoreDrill, type DrillScore } from '../../shared/rules/drill-score.js';
import { getRoute, routeLink, sendRoute, type WriteResult } from '../api.js';
import { Listeners } from '../listeners.js';

/** Drills kept in the list; the server keeps them all. */
export const DRILLS_LISTED = 100;

/**
 * The drill screens' data: the list, and the one drill open on the drill screen, kept live by
 * the socket's `drill` event (every change of the drill or its alarm). The score card is
 * recomputed from the stored steps with the shared rule; only a running timer reads the clock,
 * corrected to the server's time so two screens agree.
 */
export const useDrillStore = defineStore('drills', () => {
  const list = shallowRef<Drill[]>([]);
  const current = shallowRef<DrillDetail | null>(null);
  /** Server time minus this screen's time, from the last answer (ms). */
  const serverOffset = ref(0);
  const loadError = ref<string | null>(null);
  /** The replayed step (index into the reached milestones), or null when live. */
  const replayStep = ref<number | null>(null);
  /**
   * Drills that ended themselves at their time limit while this screen was open (issue 12): every
   * signed-in screen (wall, console, drill screen) says so until someone dismisses it.
   */
  const timeLimitNotices = shallowRef<Drill[]>([]);
  const detailApplied = new Listeners<DrillDetail>();

  /** A drill seen ending itself at its time limit (live, or on a re-read after a reconnect) is announced once. */
  function noticeIfTimedOut(previous: Drill | undefined, next: Drill): void {
    if (next.endReason !== 'time_limit' || !previous || previous.state === 'ended') return;
    if (!timeLimitNotices.value.some((d) => d.id === next.id)) timeLimitNotices.value = [...timeLimitNotices.value, next];
  }

  function take(detail: DrillDetail, receivedAt = Date.now()): void {
    serverOffset.value = Date.parse(detail.serverTime) - receivedAt;
    if (current.value?.drill.id === detail.drill.id) noticeIfTimedOut(current.value.drill, detail.drill);
    current.value = detail;
  }

  /** Pushed by the socket (stores/connection.ts): the open drill is replaced, the list entry too. */
  function applyDetail(detail: DrillDetail, receivedAt = Date.now()): void {
    // Once, as it happens: not again for a drill this screen already knew had ended.
    if (current.value?.drill.id !== detail.drill.id) noticeIfTimedOut(list.value.find((drill) => drill.id === detail.drill.id) ?? { ...detail.drill, state: 'running' }, detail.drill);
    if (current.value?.drill.id === detail.drill.id) take(detail, receivedAt);
    const index = list.value.findIndex((drill) => drill.id === detail.drill.id);
    if (index >= 0) list.value = list.value.map((drill, i) => (i === index ? detail.drill : drill));
    else list.value = [detail.drill, ...list.value].slice(0, DRILLS_LISTED);
    detailApplied.emit(detail);
  }

  /** Calls `listener` after each drill change applied (pushed, or the answer to this screen's write); returns the function that stops it. */
  function onDetail(listener: (detail: DrillDetail) => void): () => void {
    return detailApplied.add(listener);
  }

  async function loadList(): Promise<void> {
    try {
      list.value = (await getRoute('drills.list', { query: { limit: DRILLS_LISTED } })).drills;
      loadError.value = null;
    } catch (error) {
      loadError.value = error instanceof Error ? error.message : String(error);
    }
  }

  async function open(id: string): Promise<void> {
    if (current.value?.drill.id !== id) current.value = null;
    replayStep.value = null;
    try {
      take(await getRoute('drills.get', { params: { id } }));
      loadError.value = null;
    } catch (error) {
      loadError.value = error instanceof Error ? error.message : String(error);
    }
  }

  /** Reads the open drill again, keeping what is shown meanwhile: after a reconnect, `drill` events may have been missed. */
  async function reload(): Promise<void> {
    const id = current.value?.drill.id;
    if (!id) return;
    try {
      take(await getRoute('drills.get', { params: { id } }));
    } catch {
      // Still unreachable: the stale banner says so; the next reconnect tries again.
    }
  }

  function close(): void {
    current.value = null;
    replayStep.value = null;
  }

  async function write(sent: Promise<WriteResult<DrillAnswer>>): Promise<WriteResult<DrillAnswer>> {
    const result = await sent;
    if (result.ok) applyDetail(result.data);
    return result;
  }

  const plan = (input: DrillPlan) => write(sendRoute('drills.plan', { body: input }));
  /** The open drill's id (the commands act on it). */
  const id = () => ({ id: current.value?.drill.id ?? '' });
  const start = (raiseAlarm: boolean) => write(sendRoute('drills.start', { params: id(), body: { raiseAlarm } }));
  const end = () => write(sendRoute('drills.end', { params: id() }));
  const cancel = (note: string) => write(sendRoute('drills.cancel', { params: id(), body: { note } }));
  /** Moves a planned drill to another day (it starts only on its planned day). */
  const replan = (plannedFor: string, note?: string) => write(sendRoute('drills.replan', { params: id(), body: { plannedFor, ...(note ? { note } : {}) } }));
  const dismissNotice = (drillId: string) => (timeLimitNotices.value = timeLimitNotices.value.filter((drill) => drill.id !== drillId));
  const check = (itemId: string, checked: boolean) => write(sendRoute('drills.check', { params: { ...id(), itemId }, body: { checked } }));

  /** The score card at `now` (this screen's ms), on the server's time. */
  function scoreAt(now: number): DrillScore | null {
    const detail = current.value;
    return detail ? scoreDrill(detail.drill, detail.alarm, now + serverOffset.value) : null;
  }

  /** The milestones reached so far, in order: what the replay steps through. */
  const reached = computed(() => {
    const detail = current.value;
    if (!detail) return [];
    return scoreDrill(detail.drill, detail.alarm, Date.parse(detail.serverTime)).timeline.filter((entry) => entry.at !== null);
  });

  function replay(step: number | null): void {
    replayStep.value = step === null ? null : Math.max(0, Math.min(step, reached.value.length - 1));
  }

  const exportUrl = (format: 'csv' | 'pdf') => routeLink(format === 'csv' ? 'drills.exportCsv' : 'drills.exportPdf', { params: id() });

  return {
    list, current, serverOffset, loadError, replayStep, reached, timeLimitNotices,
    applyDetail, onDetail, loadList, open, reload, close, plan, start, end, cancel, replan, check, scoreAt, replay, exportUrl, dismissNotice,
  };
});
