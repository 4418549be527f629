import type { AlertInfo, DurableEvent, NodeSample, ServerSignal } from '@tandem/protocol';
import type { LiveHit } from '../analytics/live-analytics.ts';

/** What travels between server nodes. */
export type BusMessage =
  /** A durable event, already committed to the event log. */
  | { readonly kind: 'event'; readonly event: DurableEvent }
  /** An ephemeral signal for a room; `except` is a connection id that must not receive it. */
  | { readonly kind: 'signal'; readonly room: string; readonly signal: ServerSignal; readonly except?: string }
  /** A control message for every node (e.g. membership changed, sessions revoked). */
  | { readonly kind: 'control'; readonly control: ControlMessage };

/** Node-wide instructions published on the bus. */
export type ControlMessage =
  /** Re-check every subscription of this user in this workspace (role changed or removed). */
  | { readonly type: 'membership_changed'; readonly workspace_id: string; readonly user_id: string }
  /** Close every connection of this user (logout, or a session was revoked). */
  | { readonly type: 'user_logged_out'; readonly user_id: string; readonly session_id: string | null }
  /** A table's workflow rules changed: nodes drop the rules they remember for it. */
  | { readonly type: 'workflows_changed'; readonly table_id: string }
  /** A node's figures of the last second, for every node's operations dashboard. */
  | { readonly type: 'node_metrics'; readonly sample: NodeSample }
  /** An alert fired, resolved or was acknowledged: nodes pass it to their operators in `system`. */
  | { readonly type: 'alert_changed'; readonly alert: AlertInfo }
  /** A table's record-condition alert rules changed: nodes drop the rules they remember for it. */
  | { readonly type: 'alert_rules_changed'; readonly table_id: string }
  /** A document update accepted (and stored) by `node`, to apply and send to the local participants except connection `except`. */
  | { readonly type: 'doc_update'; readonly doc_id: string; readonly seq: number; readonly data: string; readonly node: string; readonly except: string }
  /** An awareness update of a document from `node` (cursors, selections, someone leaving). */
  | { readonly type: 'doc_awareness'; readonly doc_id: string; readonly data: string; readonly node: string; readonly except: string | null }
  /** Page views and events a node counted in the last second, for every node's live analytics. */
  | { readonly type: 'analytics_hits'; readonly hits: readonly LiveHit[] };

/**
 * Carries messages to every server node, including the one that published.
 *
 * Contract (checked by the shared conformance suite in test/backends):
 * - every handler registered on any node receives every published message, once;
 * - messages published by one node are received by each node in publish order;
 * - after `close()` nothing is delivered and `publish` rejects.
 * Delivery is best-effort across outages: the gateway recovers durable events from the event
 * log, so a bus may drop messages while disconnected but must then call `onReconnect` handlers.
 */
export interface Bus {
  publish(message: BusMessage): Promise<void>;
  /** Registers a handler; returns a function that removes it. */
  onMessage(handler: (message: BusMessage) => void): () => void;
  /** Registers a handler called after the bus lost and regained its connection. */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}
