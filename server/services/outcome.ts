/** A service answer an HTTP route maps to a status: the data, or why not (400 bad input, 404 unknown, 409 conflict). */
export type Outcome<T> = { ok: true; data: T } | { ok: false; status: 400 | 404 | 409; error: string; fields?: Record<string, string> };

/** A refusal. */
export function refuse(status: 400 | 404 | 409, error: string, fields?: Record<string, string>): { ok: false; status: 400 | 404 | 409; error: string; fields?: Record<string, string> } {
  return fields ? { ok: false, status, error, fields } : { ok: false, status, error };
}
