import type { kioskZhCN } from './zh-CN.kiosk.js';

/** English messages of the kiosk; the same keys as zh-CN.kiosk.ts. */
export const kioskEn: typeof kioskZhCN = {
  kiosk: {
    title: 'School Safety Command Wall',
    subtitle: 'Pingdingshan · Xiaoan · read-only wall',
    signingIn: 'Connecting the wall…',
    stale: 'Data stale since {time}',
    staleDetail: 'Showing the last picture · reconnecting; missed changes are caught up on return',
    seconds: '{value} s',
  },
  kioskScene: {
    overview: 'City overview',
    district: 'District · {name}',
    health: 'Device health',
    compliance: 'Compliance',
    risk: 'Risk heat · city',
    alarm: 'Alarm · map pinned',
    drill: 'Emergency drill · map pinned',
  },
  kioskRevoked: {
    title: '本屏幕的访问链接已被撤销或无效',
    detail: '请联系系统管理员获取新的链接。',
    titleEn: "This screen's link was revoked or is invalid",
    detailEn: 'Ask the administrator for a new link.',
    retry: 'Retrying every minute · last try {time}',
  },
  kioskAlarms: {
    title: 'Open alarms (drills excluded)',
    byDistrict: 'Open alarms by district',
    none: 'none',
  },
  kioskCameras: {
    title: 'Cameras online',
    detail: '{online} of {total} online',
    offline: '{count} offline / faulty',
  },
  kioskPosts: {
    title: '护学岗 on duty',
    peak: 'Peak hours · {due} due',
    offHours: 'Off peak · {count} posts',
    late: '{count} late',
    absent: '{count} absent',
  },
  kioskHazards: {
    title: 'Open hazards',
    overdue: '{count} overdue',
    closedThisTerm: '{count} closed this term',
  },
  kioskResponse: {
    title: 'P1/P2 response, last 24 h (drills excluded)',
    acknowledge: 'Acknowledge',
    onScene: 'On scene',
    mean: 'mean',
    p90: 'p90',
    alarms: '{count} alarms',
    none: '—',
  },
  kioskOverview: {
    schools: 'Schools',
    policePosts: 'Police posts',
    guardPosts: '护学岗 posts',
    alarmsToday: 'Alarms, 24 h',
    faults: 'Open tickets',
  },
  kioskDistrict: {
    schools: '{count} schools',
    openAlarms: 'Open alarms',
    cameras: 'Cameras online',
    hazards: 'Open hazards',
    acknowledge: 'P1/P2 mean time to acknowledge',
  },
  kioskHealth: {
    openFaults: '{count} open tickets',
    overdueFaults: '{count} overdue',
  },
  kioskCompliance: {
    title: 'City compliance (as of {date})',
    loading: 'Reading compliance…',
  },
  kioskPinned: {
    alarm: '{type} · {state}',
    drill: 'Emergency drill running',
    received: 'received {time} · {elapsed} ago',
  },
  kioskTicker: {
    title: 'Latest alarms',
    empty: '—',
    drill: 'DRILL',
  },
};
