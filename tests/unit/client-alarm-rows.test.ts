// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import AlarmRow from '../../client/components/alarm/AlarmRow.vue';
import QueueRow from '../../client/components/console/QueueRow.vue';
import HistoryFilters from '../../client/components/history/HistoryFilters.vue';
import { en } from '../../client/i18n/en.js';
import { zhCN } from '../../client/i18n/zh-CN.js';
import type { Alarm } from '../../shared/domain/index.js';
import { makeAlarm } from './helpers/alarm.js';

function plugins(locale: 'zh-CN' | 'en' = 'zh-CN') {
  return [createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } }), createPinia()];
}

const real = makeAlarm({ id: 'A1', priority: 1 });
const drill = makeAlarm({ id: 'A2', priority: 1, drill: true, districtCode: '410422' });
const minor = makeAlarm({ id: 'A3', priority: 3 });
const now = Date.parse(real.openedAt) + 5_000;

function rows(alarm: Alarm, locale: 'zh-CN' | 'en' = 'zh-CN') {
  return [
    mount(AlarmRow, { props: { alarm, schoolName: '实验小学', fresh: false, now }, global: { plugins: plugins(locale) } }),
    mount(QueueRow, { props: { alarm, schoolName: '实验小学', now, selected: false, fresh: false }, global: { plugins: plugins(locale) } }),
  ];
}

describe('AlarmRow and QueueRow', () => {
  it('fill the priority of a real P1/P2 only, and mark a drill with its badge', () => {
    for (const sut of rows(real)) {
      expect(sut.get('.alarm-badges__priority').text()).toBe('P1');
      expect(sut.get('.alarm-badges__priority').classes()).toContain('alarm-badges__priority--filled');
      expect(sut.find('[data-testid="drill-badge"]').exists()).toBe(false);
    }
    for (const sut of rows(drill)) {
      expect(sut.get('.alarm-badges__priority').classes()).not.toContain('alarm-badges__priority--filled');
      expect(sut.get('[data-testid="drill-badge"]').text()).toBe('演练');
    }
    for (const sut of rows(minor)) expect(sut.get('.alarm-badges__priority').classes()).not.toContain('alarm-badges__priority--filled');
  });

  it("name the alarm's district in the screen language", () => {
    for (const sut of rows(drill)) expect(sut.text()).toContain('叶县');
    for (const sut of rows(drill, 'en')) expect(sut.text()).toContain('Ye County');
  });
});

describe('HistoryFilters', () => {
  it('lists the districts by name in the screen language', () => {
    const sut = mount(HistoryFilters, { global: { plugins: plugins('en') } });
    expect(sut.findAll('option').map((option) => option.text())).toContain('Ye County');
  });
});
