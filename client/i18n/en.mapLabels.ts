import type { mapLabelsZhCN } from './zh-CN.mapLabels.js';

/** English messages of the map's alarm labels; the same keys as zh-CN.mapLabels.ts. */
export const mapLabelsEn: typeof mapLabelsZhCN = {
  mapLabels: {
    unlabelled: '{count} more alarms without a label · zoom in or click a ring',
  },
};
