import { sleep } from '../generator/connect-queue.ts';
import { NodeChoice } from './failover.ts';
import type { Ledger } from './ledger.ts';

/** A record one writer owns (one writer per record, so writes never conflict with each other). */
export interface WriterTarget {
  readonly room: string;
  readonly recordId: string;
  readonly fieldId: string;
}

/** How long a write may take before it counts as unanswered. */
const WRITE_TIMEOUT_MS = 10_000;

/**
 * Writers through every node: writer `i` starts on node `i mod n`, sends
 * `PATCH /api/v1/records/{id}` with a unique marker at `ratePerSec`, one request in flight, and
 * moves to the next node when its node refuses the connection. Each answer goes into the ledger.
 */
export class Writers {
  #running = false;
  #loops: Promise<void>[] = [];
  #count = 0;

  constructor(
    private readonly ledger: Ledger,
    private readonly urls: readonly string[],
    private readonly tokens: readonly string[],
    private readonly targets: readonly WriterTarget[],
    private readonly ratePerSec: number,
  ) {}

  /** Starts every writer. */
  start(): void {
    this.#running = true;
    this.#loops = this.targets.map((target, i) => this.#loop(i, target));
  }

  /** Stops after each writer's request in flight is answered. */
  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }

  async #loop(index: number, target: WriterTarget): Promise<void> {
    const choice = new NodeChoice(this.urls, index);
    const token = this.tokens[index % this.tokens.length] as string;
    const interval = 1000 / this.ratePerSec;
    // Spread the writers' first writes over one interval.
    await sleep((interval * index) / this.targets.length);
    while (this.#running) {
      const started = performance.now();
      await this.#write(index, choice, token, target);
      await sleep(Math.max(0, interval - (performance.now() - started)));
    }
  }

  async #write(index: number, choice: NodeChoice, token: string, target: WriterTarget): Promise<void> {
    const marker = `w${index}.${++this.#count}`;
    const sentAt = performance.now();
    const node = choice.index;
    this.ledger.sent.set(marker, { room: target.room, sentAt });
    let res: Response;
    try {
      res = await fetch(`${choice.url}/api/v1/records/${target.recordId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ values: { [target.fieldId]: marker } }),
        signal: AbortSignal.timeout(WRITE_TIMEOUT_MS),
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError';
      if (!timedOut) choice.next();
      this.ledger.failed.push({ status: 0, code: timedOut ? 'timeout' : 'no connection', shaped: true, at: sentAt });
      return;
    }
    const text = await res.text().catch(() => '');
    if (res.ok) {
      this.ledger.acked.push({ marker, room: target.room, writer: index, node, sentAt, ackedAt: performance.now() });
      return;
    }
    let code = 'unparsable';
    let shaped = false;
    try {
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      shaped = typeof body.error?.code === 'string' && typeof body.error.message === 'string';
    } catch {
      // not JSON: counted as unshaped
    }
    this.ledger.failed.push({ status: res.status, code, shaped, at: sentAt });
  }
}
