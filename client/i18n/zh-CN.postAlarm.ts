/**
 * zh-CN messages of the 护学岗 absence alarm's own life: the system step that closes it when the
 * post checks in, and the per-window figures. Spread into zh-CN.ts; en.postAlarm.ts must match.
 */
export const postAlarmZhCN = {
  systemStep: {
    auto_resolve: '系统自动关闭',
  },
  systemDisposition: {
    post_checked_in: '护学岗已签到',
  },
  postWindow: {
    title: '护学岗 {span}',
    onTime: '按时 {count}',
    late: '迟到 {count}',
    absent: '缺岗 {count}',
    pending: '待签到 {count}',
  },
};
