// @vitest-environment happy-dom
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { ComplianceCell } from '../../shared/compliance.js';
import { cellTone, formatRate, judged, monthStartBefore, ratePercent, rateTone, todayInShanghai } from '../../client/compliance-cells.js';
import MatrixCell from '../../client/components/desk/MatrixCell.vue';
import { en } from '../../client/i18n/en.js';
import { zhCN } from '../../client/i18n/zh-CN.js';

function cell(pass: number, fail: number, extra: Partial<ComplianceCell> = {}): ComplianceCell {
  const pending = extra.pending ?? 0;
  const notDue = extra.notDue ?? 0;
  return { applicable: pass + fail + pending + notDue, pass, fail, pending, notDue, rate: pass + fail > 0 ? pass / (pass + fail) : null, ...extra };
}

describe(rateTone.name, () => {
  it('is green at and above 95 %, amber from 80 % up to 95 %, red below 80 %', () => {
    expect(rateTone(1)).toBe('good');
    expect(rateTone(0.95)).toBe('good');
    expect(rateTone(0.949)).toBe('watch');
    expect(rateTone(0.8)).toBe('watch');
    expect(rateTone(0.799)).toBe('bad');
    expect(rateTone(0)).toBe('bad');
  });

  it('judges the figure shown: a share that reads 95.0% is green, one that reads 79.9% is red', () => {
    // 189 of 199 = 94.97 %, shown (and exported) as 95.0 %.
    expect(formatRate(189 / 199)).toBe('95.0%');
    expect(rateTone(189 / 199)).toBe('good');
    // 0.79949… reads 79.9 %.
    expect(formatRate(0.79949)).toBe('79.9%');
    expect(rateTone(0.79949)).toBe('bad');
  });

  it('is grey when nobody is judged', () => {
    expect(rateTone(null)).toBe('none');
  });
});

describe(cellTone.name, () => {
  it('colours a cell by its rate; pending and not-yet-due schools do not count', () => {
    expect(cellTone(cell(119, 19))).toBe('watch');
    expect(cellTone(cell(71, 60))).toBe('bad');
    expect(cellTone(cell(137, 1, { pending: 40 }))).toBe('good');
  });

  it('is grey for a cell where every school is pending or not due yet', () => {
    expect(cellTone(cell(0, 0, { pending: 12, notDue: 3 }))).toBe('none');
  });
});

describe(formatRate.name, () => {
  it('shows one decimal the way the 附件4 export rounds (toFixed), and a dash for no rate', () => {
    expect(formatRate(119 / 138)).toBe('86.2%');
    expect(formatRate(1)).toBe('100.0%');
    expect(formatRate(0)).toBe('0.0%');
    expect(formatRate(null)).toBe('—');
    expect(ratePercent(2 / 3)).toBe(66.7);
    expect(ratePercent(null)).toBeNull();
  });

  it('counts the schools judged (应达标) as passing plus failing', () => {
    expect(judged(cell(119, 19, { pending: 5, notDue: 2 }))).toBe(138);
  });
});

describe(todayInShanghai.name, () => {
  it('is the date in Asia/Shanghai, whatever the machine zone: 16:00 UTC is already tomorrow there', () => {
    expect(todayInShanghai(Date.parse('2026-11-28T15:59:59Z'))).toBe('2026-11-28');
    expect(todayInShanghai(Date.parse('2026-11-28T16:00:00Z'))).toBe('2026-11-29');
  });

  it('steps back whole months to the first of the month, across a new year', () => {
    expect(monthStartBefore('2026-11-29', 11)).toBe('2025-12-01');
    expect(monthStartBefore('2026-01-31', 1)).toBe('2025-12-01');
  });
});

describe('MatrixCell', () => {
  function mountCell(value: ComplianceCell, locale: 'zh-CN' | 'en' = 'zh-CN') {
    const i18n = createI18n({ legacy: false, locale, messages: { 'zh-CN': zhCN, en } });
    return mount(MatrixCell, { props: { cell: value, label: '新华区 · 专职保安员配备' }, global: { plugins: [i18n] } });
  }

  it('shows the rate large in its colour class, passing of judged under it, and pending and not-due in small type', () => {
    const sut = mountCell(cell(119, 19, { pending: 3, notDue: 2 }));
    const button = sut.get('button');
    expect(button.classes()).toContain('matrix-cell--watch');
    expect(button.attributes('data-tone')).toBe('watch');
    expect(sut.get('[data-testid="matrix-cell-rate"]').text()).toBe('86.2%');
    expect(sut.get('.matrix-cell__counts').text()).toBe('119/138');
    expect(sut.get('[data-testid="matrix-cell-pending"]').text()).toBe('进行中3');
    expect(sut.get('[data-testid="matrix-cell-not-due"]').text()).toBe('未到期2');
  });

  it('is red below 80 % and opens its failing schools when clicked', async () => {
    const sut = mountCell(cell(71, 60));
    expect(sut.get('button').classes()).toContain('matrix-cell--bad');
    await sut.get('button').trigger('click');
    expect(sut.emitted('open')).toHaveLength(1);
    expect(sut.find('.matrix-cell__extra').exists()).toBe(false);
  });

  it('is grey with a dash when nobody is judged, and cannot be opened when no school fails', () => {
    const sut = mountCell(cell(0, 0, { pending: 4 }), 'en');
    expect(sut.get('button').classes()).toContain('matrix-cell--none');
    expect(sut.get('[data-testid="matrix-cell-rate"]').text()).toBe('—');
    expect(sut.get('[data-testid="matrix-cell-pending"]').text()).toBe('4 pending');
    expect(sut.get('button').attributes('disabled')).toBeDefined();
    expect(mountCell(cell(138, 0)).get('button').attributes('disabled')).toBeDefined();
  });
});
