// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import FieldStepDetail from '../../client/components/console/FieldStepDetail.vue';
import { en } from '../../client/i18n/en.js';
import { zhCN } from '../../client/i18n/zh-CN.js';
import type { AlarmTransition } from '../../shared/domain/index.js';

function show(step: AlarmTransition, locale: 'zh-CN' | 'en' = 'zh-CN') {
  return mount(FieldStepDetail, {
    props: { alarmId: 'A 1', step },
    global: { plugins: [createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } }), createPinia()] },
  });
}

const at = '2026-12-07T02:05:00.000Z';
const field = { unitId: 'P001', requestId: 'r1', recordedAt: '2026-12-07T02:05:01.000Z' };
const step = (action: string, extra: Partial<AlarmTransition> = {}): AlarmTransition => ({ action, from: 'dispatched', to: 'on_scene', actor: 'unit-p001', at, note: null, ...extra });

describe('FieldStepDetail (the unit’s steps on the console timeline)', () => {
  it('tells the unit’s own arrival with its distance from the operator’s click', () => {
    const unit = show(step('arrive', { field: { ...field, distanceM: 40.4, position: { lat: 33.7, lng: 113.2, accuracyM: 8 } } }));
    expect(unit.get('[data-testid="field-step"]').attributes('data-by')).toBe('unit');
    expect(unit.get('[data-testid="field-step-summary"]').text()).toBe('出警单位到场（手机定位，距学校 40 米）');
    expect(show(step('arrive', { field })).get('[data-testid="field-step-summary"]').text()).toBe('出警单位到场（未提供手机定位）');
    const operator = show(step('arrive', { actor: 'police' }));
    expect(operator.get('[data-testid="field-step"]').attributes('data-by')).toBe('operator');
    expect(operator.text()).toBe('值班员标记到场');
    expect(show(step('arrive', { field: { ...field, distanceM: 1250 } }), 'en').text()).toBe('Unit on scene (phone position, 1.3 km from the school)');
  });

  it('says nothing more for an operator’s other steps', () => {
    expect(show(step('ack', { from: 'new', to: 'acknowledged' })).find('[data-testid="field-step"]').exists()).toBe(false);
  });

  it('shows a report’s outcome and photos, each a link to the photo', () => {
    const sut = show(step('report', { to: 'on_scene', field: { ...field, disposition: 'medical_aid', photoIds: ['p1', 'p2'] } }));
    expect(sut.get('[data-testid="field-step-summary"]').text()).toBe('出警单位处置反馈');
    expect(sut.get('[data-testid="field-step-disposition"]').text()).toBe('处置结果：医疗救助');
    const links = sut.findAll('[data-testid="field-step-photo"]');
    expect(links.map((link) => link.attributes('href'))).toEqual(['/api/v1/alarms/A%201/photos/p1', '/api/v1/alarms/A%201/photos/p2']);
    expect(links[1]?.get('img').attributes('alt')).toBe('现场照片 2');
  });

  it('marks a step that reached the server over a minute after it was taken (the phone was offline)', () => {
    expect(show(step('accept', { field })).find('[data-testid="field-step-delayed"]').exists()).toBe(false);
    const late = show(step('accept', { field: { ...field, recordedAt: '2026-12-07T02:09:30.000Z' } }));
    expect(late.get('[data-testid="field-step-delayed"]').text()).toBe('手机离线时记录，10:09:30 送达');
  });
});
