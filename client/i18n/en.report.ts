import type { reportZhCN } from './zh-CN.report.js';

/** The periodic report page of the desk (`/desk/reports`, issue 15 item 3). */
export const reportEn: typeof reportZhCN = {
  report: {
    tab: 'Reports',
    title: 'Periodic analysis reports',
    hint: 'The last complete week’s report is made every Monday at 08:00, the last month’s on the 1st at 08:00; or make one now.',
    generateWeekly: 'Make last week’s report',
    generateMonthly: 'Make last month’s report',
    generating: 'Making the report…',
    generated: 'Made: {label}',
    kind_weekly: 'Weekly',
    kind_monthly: 'Monthly',
    scopeCity: 'City',
    period: 'Period',
    kind: 'Kind',
    scope: 'Scope',
    createdAt: 'Made at',
    createdBy: 'Made by',
    alarms: 'Alarms',
    files: 'Download',
    system: 'System (scheduled)',
    pdf: 'PDF',
    xlsx: 'Excel',
    empty: 'No reports yet.',
    loadError: 'The reports could not be loaded: {error}',
  },
};
