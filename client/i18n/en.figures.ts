/** Words for the figures every screen shares (shared/figures.ts): each says what it counts. */
export const figuresEn = {
  tally: {
    dismiss: 'Dismiss',
    deskSchool: 'My school',
    legendCaption: 'Schools by status',
    drillsUnderway: 'Drills (schools)',
    drillAlarms: '{count} drill alarms',
    minorAlarms: 'Minor alarms',
    cameraFaults: 'Cameras offline/faulty',
    average: '{value} · {count} alarms',
    averageNone: '— · 0 alarms',
    samples: '{count} alarms',
    districtTotal: '{district} total',
    forbidden: 'Your account cannot open “{screen}”; you are on {home} instead.',
  },
};
