import { pino, type DestinationStream, type Logger } from 'pino';

/** Paths whose values never reach a log line: tokens, passwords, kiosk keys, CSRF tokens, cookies. */
export const REDACTED_PATHS = [
  'token', '*.token', 'password', '*.password', 'key', '*.key', 'csrfToken', '*.csrfToken',
  'req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie',
];

/** Structured JSON logs (pino), to stdout unless a destination is given (tests). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, redact: REDACTED_PATHS };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
