import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { refusalOf } from '../../client/api.js';
import { fieldTexts, refusalText } from '../../client/refusal-text.js';
import { drillPlanSchema } from '../../shared/drill.js';
import { recordEditSchema } from '../../shared/compliance.js';
import { describeZodError } from '../../shared/ingest.js';
import { shanghaiDate, shanghaiDateTime, shanghaiLocalToIso } from '../../shared/time.js';
import { bilingual, zodFieldTexts, zodRefusal, zodText } from '../../shared/zod-text.js';

describe(refusalText.name, () => {
  const refused = { error: 'cannot ack this alarm: it is acknowledged', message: { zh: '无法确认：该报警已确认', en: 'cannot ack this alarm: it is acknowledged' } };

  it('shows the Chinese on a zh-CN screen and the English on an English one', () => {
    expect(refusalText(refused, 'zh-CN')).toBe('无法确认：该报警已确认');
    expect(refusalText(refused, 'en')).toBe('cannot ack this alarm: it is acknowledged');
  });

  it('falls back to the English contract when a server sent no message', () => {
    expect(refusalText({ error: 'no alarm A1' }, 'zh-CN')).toBe('no alarm A1');
    expect(refusalText({ error: 'no alarm A1', message: null }, 'zh-CN')).toBe('no alarm A1');
  });

  it('words each field in the screen language, keeping English where only English came', () => {
    const sut = fieldTexts({ fields: { foundOn: 'is in the future', note: 'too long' }, fieldMessages: { foundOn: { zh: '不能晚于今天', en: 'is in the future' } } }, 'zh-CN');
    expect(sut).toEqual({ foundOn: '不能晚于今天', note: 'too long' });
  });
});

describe(refusalOf.name, () => {
  it('reads the refusal body and ignores malformed parts', () => {
    const sut = refusalOf(400, { error: 'bad', message: { zh: '错', en: 'bad' }, fields: { a: 'x', b: 3 }, fieldMessages: { a: { zh: '叉', en: 'x' }, b: 'nope' } }, 'fallback');
    expect(sut).toEqual({ ok: false, status: 400, error: 'bad', message: { zh: '错', en: 'bad' }, fields: { a: 'x' }, fieldMessages: { a: { zh: '叉', en: 'x' } } });
    expect(refusalOf(502, null, '/api answered 502')).toEqual({ ok: false, status: 502, error: '/api answered 502', message: null, fields: {}, fieldMessages: {} });
  });
});

describe(zodText.name, () => {
  it("words zod's own issues through its zh-CN and English locales, naming what was received", () => {
    const schema = z.strictObject({ count: z.number(), kind: z.enum(['a', 'b']) });
    const input = { count: 'seven', kind: 'c', extra: 1 };
    const parsed = schema.safeParse(input);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const sut = zodText(parsed.error, input);
    expect(sut.en).toBe(describeZodError(parsed.error));
    expect(sut.zh).toContain('count：无效输入：期望 数字，实际接收 string');
    expect(sut.zh).toContain('kind：无效选项：期望以下之一 "a"|"b"');
    expect(sut.zh).toContain('出现未知的键(key): "extra"');
  });

  it("words a schema's own message with the Chinese it was given, and leaves one without Chinese in English", () => {
    const schema = z.object({ a: z.string({ error: bilingual('a must be text', '须为文字') }), b: z.string({ error: 'b is odd' }) });
    const parsed = schema.safeParse({ a: 1, b: 2 });
    if (parsed.success) throw new Error('expected a refusal');
    expect(zodFieldTexts(parsed.error)).toEqual({ a: { zh: '须为文字', en: 'a must be text' }, b: { zh: 'b is odd', en: 'b is odd' } });
  });

  it('gives every message of the shared form schemas its Chinese', () => {
    const plan = drillPlanSchema.safeParse({ schoolId: '', plannedFor: 'x', targets: { acknowledged: 5.5, dispatched: 9000, on_scene: 'x', handled: 60 } });
    const record = recordEditSchema.safeParse({ students: -1, boarding: 'yes', guardsOnDuty: 1.5 });
    for (const parsed of [plan, record]) {
      if (parsed.success) throw new Error('expected a refusal');
      const { message } = zodRefusal(parsed.error, {});
      for (const part of message.zh.split('；')) expect(part).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe(shanghaiDate.name, () => {
  it('dates 16:30 UTC on 12-03 as 00:30 on 12-04 in Shanghai', () => {
    expect(shanghaiDate(Date.parse('2026-12-03T16:30:00Z'))).toBe('2026-12-04');
    expect(shanghaiDate('2026-12-03T15:59:59Z')).toBe('2026-12-03');
    expect(shanghaiDateTime('2026-12-03T16:30:05.250Z')).toBe('2026-12-04 00:30:05');
  });

  it('reads a datetime-local value as Shanghai time', () => {
    expect(Date.parse(shanghaiLocalToIso('2026-12-04T00:30'))).toBe(Date.parse('2026-12-03T16:30:00Z'));
  });
});
