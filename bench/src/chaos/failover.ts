/**
 * Which node a client talks to, as a client with several server addresses would (DNS with several
 * A records, a list in its configuration): it stays on one until that one refuses a connection,
 * then moves to the next. It knows nothing of what the suite kills.
 */
export class NodeChoice {
  #at: number;

  constructor(
    readonly urls: readonly string[],
    home: number,
  ) {
    this.#at = home % urls.length;
  }

  /** The node in use. */
  get index(): number {
    return this.#at;
  }

  get url(): string {
    return this.urls[this.#at] as string;
  }

  /** The node in use did not answer: try the next one from now on. */
  next(): void {
    this.#at = (this.#at + 1) % this.urls.length;
  }
}

/** The placeholder origin the SDK is configured with; {@link NodeChoice} puts a real node in its place. */
export const CLUSTER_ORIGIN = 'http://tandem.cluster.invalid';

/** `url` with the placeholder origin replaced by the node in use (ws: or http:). */
export function onNode(url: string, choice: NodeChoice): string {
  const node = new URL(choice.url);
  const target = new URL(url);
  target.host = node.host;
  return target.toString();
}

/** A `fetch` that goes to the node in use and moves on when that node refuses the connection. */
export function failoverFetch(choice: NodeChoice, timeoutMs: number): (input: string, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    try {
      return await fetch(onNode(input, choice), { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      choice.next();
      throw err;
    }
  };
}
