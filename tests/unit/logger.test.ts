import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';

describe(createLogger.name, () => {
  it('keeps secrets out of log lines while keeping the rest of the entry', () => {
    const lines: string[] = [];
    const log = createLogger('info', { write: (line: string) => void lines.push(line) });
    log.info({ token: 'tok-secret', body: { password: 'pw-secret', username: 'li' }, link: { key: 'key-secret' }, req: { headers: { cookie: 'xiaoan_session=sess-secret', authorization: 'Bearer bearer-secret' } } }, 'sign-in');
    expect(lines).toHaveLength(1);
    const text = lines[0]!;
    for (const secret of ['tok-secret', 'pw-secret', 'key-secret', 'sess-secret', 'bearer-secret']) expect(text).not.toContain(secret);
    expect(JSON.parse(text)).toMatchObject({ msg: 'sign-in', body: { username: 'li', password: '[Redacted]' } });
  });
});
