/** "1-3-5" quick response (practice): acknowledge in 1 min; on scene in 3 min in the city, 5 elsewhere. */
export interface ResponseTargets {
  acknowledgeSeconds: number;
  onSceneUrbanSeconds: number;
  onSceneOtherSeconds: number;
}

/** Default thresholds; configuration may override them. */
export const DEFAULT_RESPONSE_TARGETS: ResponseTargets = {
  acknowledgeSeconds: 60,
  onSceneUrbanSeconds: 180,
  onSceneOtherSeconds: 300,
};

/** Where a running timer stands against its target: green until 80 %, amber until 100 %, then red. */
export type TimerLevel = 'ok' | 'warn' | 'late';

/** Grades elapsed time against a target. */
export function timerLevel(elapsedSeconds: number, targetSeconds: number): TimerLevel {
  if (elapsedSeconds >= targetSeconds) return 'late';
  if (elapsedSeconds >= targetSeconds * 0.8) return 'warn';
  return 'ok';
}
