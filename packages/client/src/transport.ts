import type { ClientMessage, ServerMessage, ServerSignal } from '@tandem/protocol';

/** The server's first frame on a WebSocket (or a stand-in built by a transport that has none). */
export type Welcome = Extract<ServerSignal, { type: 'welcome' }>;

/** Callbacks a transport link reports to; each fires asynchronously, never inside `open`. */
export interface LinkHandlers {
  /** The link is usable; `welcome` is null for transports without a welcome frame (SSE). */
  onReady(welcome: Welcome | null): void;
  /** One protocol message from the server. */
  onMessage(message: ServerMessage): void;
  /** Bytes arrived (including keep-alives); feeds the heartbeat watchdog. */
  onActivity(): void;
  /** The link is gone; `code` is a WebSocket close code (`CLOSE_CODES.abnormal` when the network failed). */
  onClose(code: number, reason: string): void;
}

/** One open connection to the server, as the connection state machine sees it. */
export interface TransportLink {
  /** Sends one message; only called after `onReady`. */
  send(message: ClientMessage): void;
  /** Whether `send` can carry this message type (SSE carries only subscribe/unsubscribe). */
  canSend(type: ClientMessage['type']): boolean;
  /** Closes the link; `onClose` is not called for a close the SDK asked for. */
  close(code: number, reason: string): void;
}

/** Opens links of one kind (WebSocket or SSE). */
export interface Transport {
  readonly kind: 'websocket' | 'sse';
  /**
   * Opens a link. Rejects with a `TandemError` when no link could be set up (e.g. the connect
   * token was refused); the error's code decides whether the SDK retries.
   */
  open(handlers: LinkHandlers): Promise<TransportLink>;
}
