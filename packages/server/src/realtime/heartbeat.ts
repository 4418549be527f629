import { WebSocket } from 'ws';
import type { GatewaySocket } from './gateway-socket.ts';

/** Pings a connection may leave unanswered; at the next heartbeat it is dead and cut. */
const MAX_MISSED_PONGS = 2;
/** Sockets a heartbeat pings in one go. */
const HEARTBEAT_SLICE = 128;

/**
 * One heartbeat: cuts sockets that missed too many pongs and pings the others. Pinging is a write
 * per socket, and ten thousand of them in one go held the event loop for a few hundred
 * milliseconds: a latency spike for every client at every heartbeat. So a heartbeat pings a slice
 * at a time, its slices spread over the first half of the interval.
 */
async function beat(sockets: ReadonlySet<GatewaySocket>, intervalMs: number): Promise<void> {
  const all = [...sockets];
  const gapMs = intervalMs / 2 / Math.ceil(all.length / HEARTBEAT_SLICE);
  for (let from = 0; from < all.length; from += HEARTBEAT_SLICE) {
    if (from > 0) await new Promise((resolve) => setTimeout(resolve, gapMs).unref());
    for (const ws of all.slice(from, from + HEARTBEAT_SLICE)) {
      if (ws.missedPongs >= MAX_MISSED_PONGS) {
        ws.terminate();
        continue;
      }
      ws.missedPongs += 1;
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }
  }
}

/**
 * Pings every socket each `intervalMs` (HEARTBEAT_MS): a connection that has not answered two
 * pings in a row is dead and is cut, so its presence and locks go. Returns the function that stops it.
 */
export function startHeartbeat(sockets: ReadonlySet<GatewaySocket>, intervalMs: number): () => void {
  const timer = setInterval(() => void beat(sockets, intervalMs), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
