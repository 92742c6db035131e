import http from 'node:http';

/** The ingest answer, with the time the request took. */
export interface PostResult {
  status: number;
  body: { accepted?: number; rejected?: unknown[]; error?: string };
  ms: number;
}

/**
 * A small ingest client over node:http with keep-alive connections (cheaper per request than
 * fetch, and the connection count is ours to choose). Every request goes to 127.0.0.1.
 */
export class IngestClient {
  private readonly agent: http.Agent;
  private readonly target: URL;

  constructor(
    baseUrl: string,
    private readonly token: string,
    connections = 4,
  ) {
    this.target = new URL('/api/v1/events', baseUrl);
    if (this.target.hostname !== '127.0.0.1') throw new Error('benchmarks only talk to 127.0.0.1');
    this.agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  }

  /** POSTs a JSON text (one event or an array). Rejects only on network failure or timeout. */
  post(json: string, timeoutMs = 30_000): Promise<PostResult> {
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent: this.agent,
          host: this.target.hostname,
          port: this.target.port,
          path: this.target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(json),
            authorization: `Bearer ${this.token}`,
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: PostResult['body'];
            try {
              body = JSON.parse(text) as PostResult['body'];
            } catch {
              body = { error: text.slice(0, 200) };
            }
            resolve({ status: response.statusCode ?? 0, body, ms: performance.now() - started });
          });
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`ingest request timed out after ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(json);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A keepalive batch as JSON text, built by hand: the generator must stay cheaper than the server. */
export function heartbeatBatch(deviceIds: readonly string[], at: string): string {
  let json = '[';
  for (let i = 0; i < deviceIds.length; i++) {
    if (i > 0) json += ',';
    json += `{"type":"camera.heartbeat","deviceId":"${deviceIds[i]}","at":"${at}"}`;
  }
  return `${json}]`;
}
