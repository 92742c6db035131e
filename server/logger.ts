import { pino, type Logger } from 'pino';

/** Structured JSON logs (pino). Secrets never go into a log line: the token is redacted by path. */
export function createLogger(level: string): Logger {
  return pino({ level, redact: ['token', 'req.headers.authorization', '*.token'] });
}

export type { Logger };
