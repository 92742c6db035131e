/** zh-CN words of every response/drill timer (client/timer-verdict.ts): spread into zh-CN.ts; en.timer.ts must match. */
export const timerZhCN = {
  timerVerdict: {
    target: '限 {target}',
    met: '达成',
    late: '超时 +{overrun}',
    missed: '未达成',
  },
  responseTarget: {
    none: '无确认时限',
    noneHint: '设备故障按 24 小时修复时限跟进（见设备健康）',
  },
};
