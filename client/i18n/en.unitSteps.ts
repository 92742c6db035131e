import type { unitStepsZhCN } from './zh-CN.unitSteps.js';

/** Words for what the dispatched units report from their phones (issue 14): the figures' share, the admin form's unit. */
export const unitStepsEn: { [G in keyof typeof unitStepsZhCN]: { [K in keyof (typeof unitStepsZhCN)[G]]: string } } = {
  unitSteps: {
    onSceneByUnit: '{count} of them reported on scene by the unit itself',
    onSceneByUnitShort: '{count} by the unit',
    unit: 'Unit',
    unitPick: 'Choose a police room or booth',
    unitNeeded: 'A responder must belong to a unit',
  },
};
