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
