/** Words for what the dispatched units report from their phones (issue 14): the figures' share, the admin form's unit. */
export const unitStepsZhCN = {
  unitSteps: {
    onSceneByUnit: '其中 {count} 起由出警单位到场上报',
    onSceneByUnitShort: '单位上报 {count} 起',
    unit: '出警单位',
    unitPick: '请选择警务室或岗亭',
    unitNeeded: '出警单位人员须绑定一个单位',
  },
};
