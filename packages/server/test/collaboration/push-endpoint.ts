import { createECDH, randomBytes } from 'node:crypto';
import { Agent, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

/** One request a push service received: path, headers and the (still encrypted) body. */
export interface ReceivedPush {
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The status the endpoint answered with (0: it never answered). */
  readonly status: number;
}

/**
 * A real HTTPS push service on 127.0.0.1 with a certificate made for this run. It accepts
 * every request with 201 unless told otherwise per path, and, like real push services
 * (RFC 8030 §7.2), refuses bodies over 4096 bytes with 413.
 */
export interface PushEndpoint {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** An agent that trusts this endpoint's certificate (and nothing else is changed). */
  readonly agent: Agent;
  readonly received: ReceivedPush[];
  /** The endpoint URL of a subscription named `name`. */
  url(name: string): string;
  /** What `name` answers from now on (default 201; 0: never answers). */
  answer(name: string, status: number): void;
  /** Requests that reached `name`. */
  to(name: string): ReceivedPush[];
  close(): Promise<void>;
}

const MAX_BODY = 4096;

/** Starts a {@link PushEndpoint} on a random port. */
export async function startPushEndpoint(): Promise<PushEndpoint> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  });
  const statuses = new Map<string, number>();
  const received: ReceivedPush[] = [];
  const server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = Buffer.concat(chunks);
      const status = body.length > MAX_BODY ? 413 : (statuses.get(nameOf(path)) ?? 201);
      received.push({ path, headers: { ...req.headers }, body, status });
      if (status !== 0) res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ ca: pems.cert, keepAlive: false });
  return {
    origin,
    agent,
    received,
    url: (name) => `${origin}/push/${name}`,
    answer: (name, status) => statuses.set(name, status),
    to: (name) => received.filter((r) => nameOf(r.path) === name),
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function nameOf(path: string): string {
  return path.replace(/^\/push\//, '');
}

/** Keys as a browser's `PushSubscription.toJSON().keys` has them: a fresh P-256 public key and auth secret. */
export function browserKeys(): { p256dh: string; auth: string } {
  const ecdh = createECDH('prime256v1');
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}
