import type { timerZhCN } from './zh-CN.timer.js';

/** English words of every response/drill timer: same keys as zh-CN.timer.ts. */
export const timerEn: typeof timerZhCN = {
  timerVerdict: {
    target: 'of {target}',
    met: 'met',
    late: 'late +{overrun}',
    missed: 'not met',
  },
  responseTarget: {
    none: 'no ack clock',
    noneHint: 'Device faults follow the 24 h restore deadline (see Device health)',
  },
};
