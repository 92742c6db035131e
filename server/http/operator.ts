import type { Request } from 'express';

/** The header naming the acting person until people sign in (issue 6 swaps in the session user here). */
export const OPERATOR_HEADER = 'x-xiaoan-operator';

/**
 * Who is acting: the `X-Xiaoan-Operator` header, percent-encoded UTF-8 (HTTP headers carry
 * ASCII only, so 李警官 travels as `%E6%9D%8E%E8%AD%A6%E5%AE%98`), 1–40 characters. Null when
 * absent or unusable: every write then answers 400.
 */
export function actingPerson(req: Request): string | null {
  const raw = req.get(OPERATOR_HEADER);
  if (!raw) return null;
  let name: string;
  try {
    name = decodeURIComponent(raw).trim();
  } catch {
    return null;
  }
  return name.length >= 1 && name.length <= 40 ? name : null;
}

/** The 400 answer's words when no acting person is named. */
export const NO_OPERATOR = 'name the acting person in the X-Xiaoan-Operator header (percent-encoded UTF-8, 1 to 40 characters)';
