/** zh-CN messages of the kiosk (大屏): spread into zh-CN.ts; en.kiosk.ts must match. */
export const kioskZhCN = {
  kiosk: {
    title: '平顶山市校园安全指挥大屏',
    subtitle: '校安 · 只读大屏',
    signingIn: '正在接入大屏…',
    stale: '数据自 {time} 起未更新',
    staleDetail: '画面保持断线前状态 · 正在重连，恢复后自动补齐',
    seconds: '{value} 秒',
  },
  kioskScene: {
    overview: '全市概况',
    district: '区县 · {name}',
    health: '设备健康',
    compliance: '达标情况',
    alarm: '报警 · 地图锁定',
    drill: '应急演练 · 地图锁定',
  },
  kioskRevoked: {
    title: '本屏幕的访问链接已被撤销或无效',
    detail: '请联系系统管理员获取新的链接。',
    titleEn: "This screen's link was revoked or is invalid",
    detailEn: 'Ask the administrator for a new link.',
    retry: '每分钟自动重试 · 上次尝试 {time}',
  },
  kioskAlarms: {
    title: '未处置报警（不含演练）',
    byDistrict: '各区县未处置报警',
    none: '无',
  },
  kioskCameras: {
    title: '摄像头在线率',
    detail: '在线 {online} / 共 {total} 路',
    offline: '离线/故障 {count} 路',
  },
  kioskPosts: {
    title: '护学岗在岗',
    peak: '高峰时段 · 应在岗 {due} 个',
    offHours: '非高峰时段 · 共 {count} 岗',
    late: '迟到 {count}',
    absent: '缺岗 {count}',
  },
  kioskHazards: {
    title: '未清零隐患',
    overdue: '超期 {count}',
    closedThisTerm: '本学期已销号 {count}',
  },
  kioskResponse: {
    title: '近24小时 P1/P2 响应（不含演练）',
    acknowledge: '接警确认',
    onScene: '到场',
    mean: '平均',
    p90: '90%',
    alarms: '报警 {count} 起',
    none: '—',
  },
  kioskOverview: {
    schools: '学校',
    policePosts: '警务室 / 岗亭',
    guardPosts: '护学岗',
    alarmsToday: '24小时报警',
    faults: '待修复工单',
  },
  kioskDistrict: {
    schools: '学校 {count} 所',
    openAlarms: '未处置报警',
    cameras: '摄像头在线率',
    hazards: '未清零隐患',
    acknowledge: 'P1/P2 平均确认用时',
  },
  kioskHealth: {
    openFaults: '待修复工单 {count}',
    overdueFaults: '超时未修复 {count}',
  },
  kioskCompliance: {
    title: '全市达标率（截至 {date}）',
    loading: '正在读取达标数据…',
  },
  kioskPinned: {
    alarm: '{type} · {state}',
    drill: '应急演练进行中',
    received: '{time} 接警 · 已 {elapsed}',
  },
  kioskTicker: {
    title: '最新报警',
    empty: '—',
    drill: '演练',
  },
};
