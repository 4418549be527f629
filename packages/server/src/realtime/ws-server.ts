import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, PROTOCOL_VERSION } from '@tandem/protocol';
import { WebSocketServer } from 'ws';
import type { Gateway } from './gateway.ts';
import { GatewaySocket, ignoreError, type SocketHub } from './gateway-socket.ts';
import { startHeartbeat } from './heartbeat.ts';
import { TokenBucket } from './token-bucket.ts';
import { CLOSE_GRACE_MS, TurnWrites, WsTransport } from './ws-transport.ts';
import { checkUpgrade, type UpgradeDeps, type UpgradeRequest } from './ws-upgrade.ts';

/** Path of the WebSocket endpoint. */
export const WS_PATH = '/ws';
/**
 * ws rejects frames past this outright (close 1009, nothing read into memory). Frames between
 * the configured limit and this are read and refused with 4413, so clients learn why.
 */
const HARD_FRAME_FACTOR = 16;

/** What the WebSocket endpoint needs. */
export interface WsServerDeps extends UpgradeDeps {
  readonly gateway: Gateway;
}

/** The WebSocket endpoint attached to the HTTP server. */
export interface WsServer {
  /** Stops heartbeats; existing sockets are closed by the gateway. Resolves once all sockets are gone. */
  close(): Promise<void>;
}

/**
 * Serves WebSockets at {@link WS_PATH} on the API's HTTP server: checks `Origin` and credentials
 * on upgrade (`ws-upgrade.ts`), then hands frames to the gateway through a {@link WsTransport},
 * with the frame-size cap, the per-connection rate limit, the per-user connection cap and the
 * ping/pong heartbeat (`heartbeat.ts`).
 */
export function attachWebSocketServer(server: Server, deps: WsServerDeps): WsServer {
  const { config } = deps.ctx;
  // Sockets are tracked here rather than by ws (`clientTracking`), which would add a closure per socket.
  const wss = new WebSocketServer<typeof GatewaySocket>({
    noServer: true,
    maxPayload: config.wsMaxFrameBytes * HARD_FRAME_FACTOR,
    clientTracking: false,
    // Off (the ws default, stated because WsTransport writes prebuilt uncompressed frames itself).
    perMessageDeflate: false,
    WebSocket: GatewaySocket,
  });
  const hub: SocketHub = {
    gateway: deps.gateway,
    counters: deps.gateway.counters,
    sockets: new Set(),
    maxFrameBytes: config.wsMaxFrameBytes,
    maxBuffered: config.wsSendBufferBytes,
    frames: new TokenBucket(config.wsMessagesPerSecond),
    turn: new TurnWrites(),
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Read what is needed now: a closure that outlives the upgrade must not keep the request or its URL.
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      // Other modules may serve their own upgrade paths; when nobody does, do not leave it hanging.
      if (server.listenerCount('upgrade') === 1) socket.destroy();
      return;
    }
    checkUpgrade(req, socket, url, deps, (request) => {
      wss.handleUpgrade(req, socket, head, (ws) => {
        // From here ws handles the socket's errors.
        socket.off('error', ignoreError);
        accept(ws, request);
      });
    });
  };

  const accept = (ws: GatewaySocket, { auth, version, batched }: UpgradeRequest) => {
    ws.track(hub);
    if (!auth) return ws.close(CLOSE_CODES.unauthenticated, 'unauthenticated');
    if (version !== null && version !== String(PROTOCOL_VERSION)) return ws.close(CLOSE_CODES.protocol_mismatch, `protocol ${PROTOCOL_VERSION} required`);
    if (deps.gateway.connectionCount(auth.user.id) >= config.wsMaxConnectionsPerUser) return ws.close(CLOSE_CODES.forbidden, 'too many connections');

    const transport = new WsTransport(ws, hub, batched);
    transport.connection = deps.gateway.open(auth, transport);
    ws.accept(transport);
    deps.gateway.welcome(transport.connection);
  };

  const stopHeartbeat = startHeartbeat(hub.sockets, config.heartbeatMs);
  server.on('upgrade', onUpgrade);
  return {
    async close() {
      stopHeartbeat();
      server.off('upgrade', onUpgrade);
      const deadline = Date.now() + CLOSE_GRACE_MS;
      while (hub.sockets.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of hub.sockets) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
