/** Words for the figures every screen shares (shared/figures.ts): each says what it counts. */
export const figuresZhCN = {
  tally: {
    dismiss: '知道了',
    deskSchool: '本校台账',
    legendCaption: '学校状态 · 校数',
    drillsUnderway: '演练中（校）',
    drillAlarms: '演练报警 {count}',
    minorAlarms: '一般告警',
    cameraFaults: '摄像头离线/故障',
    average: '{value} · {count} 起',
    averageNone: '— · 0 起',
    samples: '{count} 起',
    districtTotal: '{district}合计',
    forbidden: '您的账号无权打开“{screen}”，已转到{home}。',
  },
};
