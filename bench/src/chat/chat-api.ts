import { Agent, request } from 'node:http';

/** Keep-alive connections for the bench's REST calls, so a send measures the chat path, not TCP setup. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** An HTTP answer: its status and parsed JSON body. */
export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

/** One REST call to Tandem with a bearer token over a kept connection; rejects on a transport error only. */
export function callApi<T>(baseUrl: string, method: string, path: string, token: string | null, body?: unknown): Promise<ApiAnswer<T>> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const url = new URL(`/api/v1${path}`, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        timeout: 60_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Like {@link callApi} but throws unless the answer is 2xx. */
export async function callOk<T>(baseUrl: string, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const answer = await callApi<T>(baseUrl, method, path, token, body);
  if (answer.status < 200 || answer.status > 299) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/** Closes the kept connections (end of a run). */
export function closeApiConnections(): void {
  agent.destroy();
}
