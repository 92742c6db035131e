/**
 * zh-CN messages of the 护学岗 absence alarm's own life (the system step that closes it when the
 * post checks in) and of today's figures per duty window. Spread into zh-CN.ts; en.postAlarm.ts
 * must match.
 */
export const postAlarmZhCN = {
  systemStep: {
    auto_resolve: '系统自动关闭',
  },
  systemDisposition: {
    post_checked_in: '护学岗已签到',
  },
  postWindow: {
    heading: '护学岗今日各时段',
    due: '应到 {count}',
    onTime: '按时 {count}',
    late: '迟到 {count}',
    absent: '缺岗 {count}',
    pending: '待签到 {count}',
    none: '今日尚无已开始的值守时段',
    error: '无法获取护学岗统计：{error}',
  },
};
