import { CLOSE_CODES, needsLongBackoff, type ServerMessage, shouldReconnect, statusOfCloseCode } from '@tandem/protocol';
import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { type ConnectionStatus, TRANSITIONS } from './connection-status.ts';
import { ALWAYS_ONLINE, type NetworkMonitor } from './network-monitor.ts';
import { TandemError } from './tandem-error.ts';
import type { Transport, TransportLink, Welcome } from './transport.ts';

/** Client-side heartbeat interval when the server does not announce one. */
export const HEARTBEAT_INTERVAL_MS = 30_000;
/** How long to wait for any frame after a ping before declaring the link dead. */
export const HEARTBEAT_TIMEOUT_MS = 10_000;

/** Why the link went down, as reported to listeners. */
export interface Disconnect {
  readonly code: number;
  readonly reason: string;
}

/** What the connection tells its owner (the client). */
export interface ConnectionEvents {
  /** The link is ready: resubscribe rooms, re-announce presence, drain the queue. */
  onConnected(link: TransportLink, welcome: Welcome | null): void;
  /** A server message arrived on the live link. */
  onMessage(message: ServerMessage): void;
  /** The live link is gone (whatever happens next); in-flight requests must be settled. */
  onDisconnected(disconnect: Disconnect): void;
  /** The status changed. */
  onStatus(status: ConnectionStatus): void;
}

/** Options of {@link Connection}; all but `transport` have defaults. */
export interface ConnectionOptions {
  readonly transport: Transport;
  readonly backoff?: BackoffOptions;
  /** Heartbeat interval override; default the server's `heartbeat_ms`, else {@link HEARTBEAT_INTERVAL_MS}. */
  readonly heartbeatIntervalMs?: number;
  /** Default {@link HEARTBEAT_TIMEOUT_MS}. */
  readonly heartbeatTimeoutMs?: number;
  /** Default {@link ALWAYS_ONLINE}. */
  readonly network?: NetworkMonitor;
  /** Random source for jitter (default `Math.random`); tests pin it. */
  readonly random?: () => number;
}

/**
 * The connection state machine. It owns one transport link at a time and decides, from close
 * codes and errors only, whether to reconnect (with exponential backoff and full jitter), to
 * back off longer (the server said we misbehaved), to stop (`failed`, 4400-range codes and
 * non-retryable errors), or to pause (`offline`). A watchdog pings the server when the link
 * has been quiet for one heartbeat and drops it when nothing answers.
 */
export class Connection {
  #status: ConnectionStatus = 'idle';
  #link: TransportLink | null = null;
  #attempt = 0;
  #longBackoff = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #watchdog: ReturnType<typeof setTimeout> | null = null;
  #lastActivity = 0;
  #heartbeatMs: number;
  #generation = 0;
  #failure: TandemError | null = null;
  #lastDisconnect: Disconnect | null = null;
  readonly #network: NetworkMonitor;
  readonly #stopNetwork: () => void;

  constructor(
    private readonly options: ConnectionOptions,
    private readonly events: ConnectionEvents,
  ) {
    this.#heartbeatMs = options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS;
    this.#network = options.network ?? ALWAYS_ONLINE;
    this.#stopNetwork = this.#network.subscribe((online) => this.#onNetwork(online));
  }

  /** The current status. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Why the connection stopped, while `failed`. */
  get failure(): TandemError | null {
    return this.#failure;
  }

  /** The last close the link reported (null before the first drop). */
  get lastDisconnect(): Disconnect | null {
    return this.#lastDisconnect;
  }

  /** Failed attempts since the last successful connection. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The live link, or null when not connected. */
  get link(): TransportLink | null {
    return this.#status === 'connected' ? this.#link : null;
  }

  /** Starts connecting (from `idle`, `failed` or `closed`); a no-op otherwise. */
  connect(): void {
    if (this.#status !== 'idle' && this.#status !== 'failed' && this.#status !== 'closed') return;
    this.#failure = null;
    this.#attempt = 0;
    this.#longBackoff = false;
    if (!this.#network.online()) {
      this.#transition('offline');
      return;
    }
    this.#transition('connecting');
    void this.#open();
  }

  /** Closes the link for good (until `connect()`); pending work is the owner's to settle. */
  close(): void {
    if (this.#status === 'closed') return;
    this.#teardown(CLOSE_CODES.normal, 'client closed');
    this.#transition('closed');
  }

  /** Stops listening to the network monitor; the connection is unusable afterwards. */
  dispose(): void {
    this.close();
    this.#stopNetwork();
  }

  /** Drops the live link and reconnects (used when a room detects a gap it cannot repair in place). */
  reconnectNow(): void {
    if (this.#status !== 'connected' && this.#status !== 'reconnecting') return;
    this.#teardown(CLOSE_CODES.normal, 'client reconnecting');
    this.#attempt = 0;
    this.#lastDisconnect = { code: CLOSE_CODES.normal, reason: 'client reconnecting' };
    if (this.#status !== 'reconnecting') this.#transition('reconnecting');
    void this.#open();
  }

  async #open(): Promise<void> {
    const generation = ++this.#generation;
    let link: TransportLink;
    try {
      link = await this.options.transport.open({
        onReady: (welcome) => {
          if (generation === this.#generation) this.#onReady(welcome);
        },
        onMessage: (message) => {
          if (generation === this.#generation && this.#status === 'connected') this.events.onMessage(message);
        },
        onActivity: () => {
          if (generation === this.#generation) this.#lastActivity = Date.now();
        },
        onClose: (code, reason) => {
          if (generation === this.#generation) this.#onClose(code, reason);
        },
      });
    } catch (err) {
      if (generation !== this.#generation) return;
      const error = err instanceof TandemError ? err : new TandemError('unavailable', (err as Error)?.message ?? 'Could not reach the server.');
      if (!error.retryable) {
        this.#fail(error);
        return;
      }
      this.#scheduleRetry(error.code === 'rate_limited');
      return;
    }
    if (generation !== this.#generation) {
      link.close(CLOSE_CODES.normal, 'superseded');
      return;
    }
    this.#link = link;
  }

  #onReady(welcome: Welcome | null): void {
    if (!this.#link) return;
    if (welcome?.heartbeat_ms && this.options.heartbeatIntervalMs === undefined) this.#heartbeatMs = welcome.heartbeat_ms;
    this.#attempt = 0;
    this.#longBackoff = false;
    this.#lastActivity = Date.now();
    this.#transition('connected');
    this.#armWatchdog();
    this.events.onConnected(this.#link, welcome);
  }

  #onClose(code: number, reason: string): void {
    const wasConnected = this.#status === 'connected';
    this.#link = null;
    this.#clearWatchdog();
    this.#lastDisconnect = { code, reason };
    if (wasConnected) this.events.onDisconnected({ code, reason });
    if (this.#status === 'closed') return;
    if (!shouldReconnect(code)) {
      this.#fail(closeError(code, reason));
      return;
    }
    if (code === CLOSE_CODES.server_shutdown) this.#attempt = 0;
    this.#scheduleRetry(needsLongBackoff(code));
  }

  #scheduleRetry(long: boolean): void {
    this.#clearRetry();
    if (!this.#network.online()) {
      this.#transition('offline');
      return;
    }
    if (this.#status !== 'reconnecting') this.#transition('reconnecting');
    this.#longBackoff ||= long;
    const delay = backoffDelay(this.#attempt, this.#longBackoff, this.options.backoff, this.options.random);
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#status === 'reconnecting') void this.#open();
    }, delay);
  }

  #fail(error: TandemError): void {
    this.#teardown(CLOSE_CODES.normal, 'stopped');
    this.#failure = error;
    this.#transition('failed');
  }

  #onNetwork(online: boolean): void {
    if (online && this.#status === 'offline') {
      // The network came back: try at once rather than waiting out a backoff from before.
      this.#attempt = 0;
      this.#transition('reconnecting');
      void this.#open();
    } else if (!online && this.#status === 'reconnecting') {
      this.#clearRetry();
      this.#generation += 1;
      this.#transition('offline');
    } else if (!online && this.#status === 'connected') {
      // The socket may survive a short outage; probe it instead of dropping it.
      this.#probe();
    }
  }

  #armWatchdog(): void {
    this.#clearWatchdog();
    this.#watchdog = setTimeout(() => this.#checkHeartbeat(), this.#heartbeatMs);
  }

  #checkHeartbeat(): void {
    this.#watchdog = null;
    if (this.#status !== 'connected') return;
    if (Date.now() - this.#lastActivity < this.#heartbeatMs) {
      this.#armWatchdog();
      return;
    }
    this.#probe();
  }

  #probe(): void {
    const link = this.#link;
    if (!link || this.#status !== 'connected') return;
    const sentAt = Date.now();
    if (link.canSend('ping')) link.send({ type: 'ping' });
    this.#clearWatchdog();
    const timeout = this.options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
    this.#watchdog = setTimeout(() => {
      this.#watchdog = null;
      if (this.#status !== 'connected' || this.#link !== link) return;
      if (this.#lastActivity >= sentAt) {
        this.#armWatchdog();
        return;
      }
      link.close(CLOSE_CODES.heartbeat_timeout, 'heartbeat timeout');
      this.#onClose(CLOSE_CODES.heartbeat_timeout, 'heartbeat timeout');
    }, timeout);
  }

  #teardown(code: number, reason: string): void {
    this.#clearRetry();
    this.#clearWatchdog();
    this.#generation += 1;
    const link = this.#link;
    this.#link = null;
    if (!link) return;
    link.close(code, reason);
    if (this.#status === 'connected') this.events.onDisconnected({ code, reason });
  }

  #clearRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #clearWatchdog(): void {
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#watchdog = null;
  }

  #transition(next: ConnectionStatus): void {
    if (next === this.#status) return;
    if (!TRANSITIONS[this.#status].includes(next)) throw new Error(`Connection cannot go from ${this.#status} to ${next}`);
    this.#status = next;
    this.events.onStatus(next);
  }
}

/** The registry error matching a "stop" close code (4000 + HTTP status). */
function closeError(code: number, reason: string): TandemError {
  return TandemError.fromStatus(statusOfCloseCode(code), reason || `Closed with code ${code}`);
}
