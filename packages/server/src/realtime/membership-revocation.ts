import { CLOSE_CODES } from '@tandem/protocol';
import type { ControlMessage } from '../backends/bus.ts';
import type { Connection } from './connection.ts';
import type { ConnectionRegistry } from './connection-registry.ts';

/** What revoking access acts on. */
export interface RevocationDeps {
  readonly connections: ConnectionRegistry;
  /** Whether the user may still read the room. */
  canRead(userId: string, room: string): Promise<boolean>;
  /** Takes the connection out of the room and its presence. */
  leave(conn: Connection, room: string): Promise<void>;
}

/**
 * Applies access changes to open connections on this node, so a connection never keeps what
 * REST would now refuse: a logout (or revoked session) closes the user's matching connections
 * with `unauthenticated` (4401); a changed or removed membership re-checks every room the user's
 * connections follow and leaves the ones no longer readable, telling the client `unsubscribed`
 * with reason `forbidden`.
 */
export async function revokeAccess(control: ControlMessage, deps: RevocationDeps): Promise<void> {
  if (control.type !== 'user_logged_out' && control.type !== 'membership_changed') return;
  const mine = deps.connections.ofUser(control.user_id);
  if (control.type === 'user_logged_out') {
    for (const conn of mine) {
      if (control.session_id === null || (conn.auth.via === 'session' && conn.auth.credentialId === control.session_id)) {
        conn.transport.close(CLOSE_CODES.unauthenticated, 'logged out');
      }
    }
    return;
  }
  for (const conn of mine) {
    for (const room of [...conn.subscriptions.keys()]) {
      if (await deps.canRead(conn.userId, room)) continue;
      await deps.leave(conn, room);
      conn.send({ type: 'unsubscribed', room, reason: 'forbidden' });
    }
  }
}
