/** A failed HTTP call to the server, with its status (0 when the network failed). */
export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** GETs JSON from the server; the caller names the contract type it expects (shared/*). */
export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json' }, signal });
  } catch (error) {
    throw new HttpError(url, 0, error instanceof Error ? error.message : String(error));
  }
  if (!response.ok) throw new HttpError(url, response.status, `${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** A write's answer: the data, or the server's refusal with its status, words and per-field messages. */
export type WriteResult<T> = { ok: true; data: T } | { ok: false; status: number; error: string; fields: Record<string, string> };

/** A write the person declined to name themselves for: nothing was sent (status 0, no words). */
export const NOT_SENT: WriteResult<never> = { ok: false, status: 0, error: '', fields: {} };

/**
 * Sends a write (`POST`, `PUT`) as JSON, naming the acting person in `X-Xiaoan-Operator`
 * (percent-encoded: HTTP headers carry ASCII only). A refusal (400, 404, 409) is an answer, not
 * an exception: the caller shows its reason; only a network failure throws.
 */
export async function sendJson<T>(method: 'POST' | 'PUT', url: string, body: unknown, operator: string): Promise<WriteResult<T>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-xiaoan-operator': encodeURIComponent(operator) },
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw new HttpError(url, 0, error instanceof Error ? error.message : String(error));
  }
  const answer: unknown = await response.json().catch(() => null);
  if (response.ok) return { ok: true, data: answer as T };
  const refusal = (answer ?? {}) as { error?: unknown; fields?: unknown };
  return {
    ok: false,
    status: response.status,
    error: typeof refusal.error === 'string' ? refusal.error : `${url} answered ${response.status}`,
    fields: typeof refusal.fields === 'object' && refusal.fields !== null ? (refusal.fields as Record<string, string>) : {},
  };
}
