// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failureWords, getJson, HttpError } from '../../client/api.js';
import { refusalText } from '../../client/refusal-text.js';
import { useComplianceStore } from '../../client/stores/compliance.js';
import { useTrendStore } from '../../client/stores/trend.js';

/** The server's 429 for a session past its statistics budget (server/http/heavy-limit.ts). */
const TOO_MANY = {
  error: 'too many statistics reads for this session (at most 60 a minute): try again in 42 s',
  message: { zh: '统计查询过于频繁（每个会话每分钟最多 60 次）：请 42 秒后再试', en: 'too many statistics reads for this session (at most 60 a minute): try again in 42 s' },
};

function answerAll(status: number, body: unknown): void {
  vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'retry-after': '42' } })));
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.unstubAllGlobals());

describe('the desk told "too many statistics reads" (429)', () => {
  it('keeps the refusal words on the failed read', async () => {
    answerAll(429, TOO_MANY);
    const failure = await getJson('/api/v1/compliance/trend').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(HttpError);
    expect((failure as HttpError).status).toBe(429);
    expect(failureWords(failure).message).toEqual(TOO_MANY.message);
  });

  it('the trend and the matrix say it in the screen language, and keep what they showed', async () => {
    answerAll(429, TOO_MANY);
    const trend = useTrendStore();
    await trend.load();
    expect(trend.loading).toBe(false);
    expect(refusalText(trend.error!, 'zh-CN')).toBe(TOO_MANY.message.zh);
    expect(refusalText(trend.error!, 'en')).toBe(TOO_MANY.message.en);
    const compliance = useComplianceStore();
    await compliance.load();
    expect(refusalText(compliance.error!, 'zh-CN')).toContain('统计查询过于频繁');
    expect(compliance.matrix).toBeNull();
  });

  it('falls back to the plain failure when the answer has no words', async () => {
    answerAll(502, 'bad gateway');
    const trend = useTrendStore();
    await trend.load();
    expect(refusalText(trend.error!, 'zh-CN')).toMatch(/answered 502/);
  });
});
