/** English messages of the 护学岗 absence alarm's own life and today's per-window figures; the keys of zh-CN.postAlarm.ts. */
export const postAlarmEn = {
  systemStep: {
    auto_resolve: 'Closed automatically',
  },
  systemDisposition: {
    post_checked_in: 'post checked in',
  },
  postWindow: {
    heading: 'Gate posts today, per duty window',
    due: 'due {count}',
    onTime: 'on time {count}',
    late: 'late {count}',
    absent: 'absent {count}',
    pending: 'awaiting {count}',
    none: 'No duty window has begun today',
    error: 'Gate-post figures unavailable: {error}',
  },
};
