/** English messages of the 护学岗 absence alarm's own life; the keys of zh-CN.postAlarm.ts. */
export const postAlarmEn = {
  systemStep: {
    auto_resolve: 'Closed automatically',
  },
  systemDisposition: {
    post_checked_in: 'post checked in',
  },
  postWindow: {
    title: 'Guard posts {span}',
    onTime: 'on time {count}',
    late: 'late {count}',
    absent: 'absent {count}',
    pending: 'awaiting {count}',
  },
};
