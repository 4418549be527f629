import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/**
 * A TCP proxy in front of a test server, so a test can cut the network between a client and the
 * server (established connections die, new ones are refused) and bring it back, without touching
 * either side.
 */
export class TcpProxy {
  readonly #pairs = new Set<Socket>();
  #up = true;
  #server: Server | null = null;
  #port = 0;

  constructor(private targetPort: number) {}

  /** `http://127.0.0.1:{port}` of the proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Starts listening on a random port. */
  async start(): Promise<this> {
    const server = createServer((client) => {
      if (!this.#up) {
        client.destroy();
        return;
      }
      const upstream = tcpConnect(this.targetPort, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#pairs.add(socket);
        socket.on('close', () => this.#pairs.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    this.#port = typeof address === 'object' && address ? address.port : 0;
    this.#server = server;
    return this;
  }

  /** Cuts every connection and refuses new ones until {@link restore}. */
  cut(): void {
    this.#up = false;
    for (const socket of this.#pairs) socket.destroy();
  }

  /** Lets connections through again. */
  restore(): void {
    this.#up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}

/** Polls `predicate` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
