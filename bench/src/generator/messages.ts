import type { SerializedHistogram } from '../measure/histogram.ts';

/** The three servers every workload runs against. */
export type TargetKind = 'tandem' | 'socketio' | 'ws';

/** A room as the load generator sees it; Tandem rooms also name a record and field to `cell_edit`. */
export interface RoomSpec {
  readonly name: string;
  readonly recordId?: string;
  readonly fieldId?: string;
}

/**
 * A group of connections one worker opens. Connection `g` (global index, `first` ≤ g <
 * `first + count`) goes to node `urls[g % urls.length]` with token `tokens[g % tokens.length]`
 * and joins `rooms[floor(g / membersPerRoom) % rooms.length]`.
 */
export interface ConnectionGroup {
  /** Name the worker files the connections under (`subs`, `pubs`, …). */
  readonly name: string;
  readonly target: TargetKind;
  /** HTTP base URLs of the server nodes. */
  readonly urls: readonly string[];
  /** Bearer tokens (Tandem only). */
  readonly tokens: readonly string[];
  readonly first: number;
  readonly count: number;
  readonly rooms: readonly RoomSpec[];
  readonly membersPerRoom: number;
  /** Join the room after connecting (false: connect only). */
  readonly subscribe: boolean;
  /** Connection attempts in flight at once. */
  readonly concurrency: number;
  /** Give up on one connection after this long. */
  readonly timeoutMs: number;
  /** Tandem frame types that count as a delivery (e.g. `cell_edit`, `record_updated`). */
  readonly countTypes: readonly string[];
}

/** Publish through the sockets of a group: message `k` goes out on connection `k mod n`, into its room. */
export interface SocketPublishPlan {
  readonly kind: 'socket';
  readonly group: string;
  /** Messages per second this worker sends in total. */
  readonly rate: number;
  readonly durationMs: number;
}

/** Publish by REST: `PATCH /api/v1/records/{id}` setting `fieldId` to the marker, round-robin over records. */
export interface HttpPublishPlan {
  readonly kind: 'http';
  readonly baseUrl: string;
  readonly token: string;
  readonly recordIds: readonly string[];
  readonly fieldId: string;
  readonly rate: number;
  readonly durationMs: number;
  /** Requests in flight at most; when reached, the next write waits (the achieved rate shows it). */
  readonly maxInFlight: number;
}

/** How a worker publishes during a phase. */
export type PublishPlan = SocketPublishPlan | HttpPublishPlan;

/** Orchestrator → worker commands; each is answered by a {@link WorkerReply} with the same `id`. */
export type WorkerCommand =
  | { readonly id: number; readonly cmd: 'connect'; readonly group: ConnectionGroup }
  | { readonly id: number; readonly cmd: 'phase'; readonly phase: number }
  | { readonly id: number; readonly cmd: 'publish'; readonly phase: number; readonly plan: PublishPlan }
  | { readonly id: number; readonly cmd: 'count' }
  | { readonly id: number; readonly cmd: 'stats' }
  | { readonly id: number; readonly cmd: 'drop'; readonly group: string; readonly jitterMs: number; readonly concurrency: number; readonly timeoutMs: number }
  | { readonly id: number; readonly cmd: 'continuity'; readonly group: string }
  | { readonly id: number; readonly cmd: 'close'; readonly group?: string };

/** Result of `connect`. */
export interface ConnectResult {
  readonly opened: number;
  readonly failed: number;
  readonly errors: readonly string[];
  /** Time from starting a connection to its subscription being acknowledged. */
  readonly connectLatency: SerializedHistogram;
  readonly elapsedMs: number;
}

/** Result of `publish`. */
export interface PublishResult {
  /** Messages sent (socket) or writes answered 2xx (http). */
  readonly sent: number;
  readonly failed: number;
  readonly errors: readonly string[];
  /** HTTP response time of writes (http plans only). */
  readonly writeLatency: SerializedHistogram | null;
  /** From the start until the last write was issued (http plans only). */
  readonly issuedMs?: number;
  readonly elapsedMs: number;
}

/** Deliveries a worker saw in the current phase, per server node. */
export interface PhaseStats {
  readonly phase: number;
  readonly received: number;
  /** Latency per node index the receiving connection is attached to. */
  readonly latencyByNode: readonly SerializedHistogram[];
  /** Frames that were not deliveries of this phase (other event types, late messages). */
  readonly otherFrames: number;
  /** CPU this worker used since the phase began, in ms, and the wall time in ms. */
  readonly cpuMs: number;
  readonly elapsedMs: number;
  readonly rssBytes: number;
}

/** Result of `drop`: every connection of the group closed at once and resumed. */
export interface DropResult {
  readonly dropped: number;
  readonly resumed: number;
  readonly failed: number;
  readonly errors: readonly string[];
  /** Time from the drop to each connection's subscription being acknowledged again. */
  readonly resumeLatency: SerializedHistogram;
  /** {@link clockMs} at which the last connection resumed. */
  readonly lastResumedAt: number;
  readonly droppedAt: number;
}

/** Result of `continuity`: ordering of what each connection of a group received. */
export interface ContinuityResult {
  readonly connections: number;
  /** Messages missing between consecutive ones (sum over connections). */
  readonly missing: number;
  readonly duplicates: number;
  /** Lowest and highest last-seen order key (seq or message number) over the connections. */
  readonly lowestLast: number;
  readonly highestLast: number;
  /** Connections that never received an ordered message. */
  readonly empty: number;
}

/** Worker → orchestrator. */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };
