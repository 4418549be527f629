import { z } from 'zod';

/** One configuration option: its environment variable, default, description and validator. */
interface OptionSpec<T extends z.ZodType> {
  readonly env: string;
  readonly description: string;
  readonly schema: T;
  /** Printed in the configuration table instead of the raw default (e.g. for generated secrets). */
  readonly shownDefault?: string;
  readonly secret?: boolean;
}

function option<T extends z.ZodType>(spec: OptionSpec<T>): OptionSpec<T> {
  return spec;
}

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Every option Tandem reads, in one place. README.md's configuration table is this list.
 * Secrets that are not given are generated once and kept in `DATA_DIR/secrets.json`.
 */
export const CONFIG_OPTIONS = {
  port: option({ env: 'PORT', description: 'HTTP and WebSocket port.', schema: int(0, 65535).default(3000) }),
  host: option({ env: 'HOST', description: 'Interface to listen on.', schema: z.string().min(1).default('127.0.0.1') }),
  publicUrl: option({
    env: 'PUBLIC_URL',
    description: 'URL users reach the server at; used for links, cookies (Secure when https) and the WebSocket origin check.',
    schema: z.url().optional(),
    shownDefault: 'http://HOST:PORT',
  }),
  dataDir: option({
    env: 'DATA_DIR',
    description: 'Directory for the embedded database, generated secrets, uploaded files (DATA_DIR/files) and outgoing mail files.',
    schema: z.string().min(1).default('./data'),
  }),
  databaseUrl: option({
    env: 'DATABASE_URL',
    description: 'PostgreSQL connection string. Empty: embedded PGlite in DATA_DIR/pglite.',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  }),
  databaseSchema: option({
    env: 'DATABASE_SCHEMA',
    description: 'PostgreSQL schema to keep Tandem tables in.',
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('public'),
  }),
  databasePoolSize: option({
    env: 'DATABASE_POOL_SIZE',
    description: 'Connections in the PostgreSQL pool (a node opens one more, for numbering events).',
    schema: int(1, 500).default(20),
  }),
  redisUrl: option({
    env: 'REDIS_URL',
    description: 'Redis URL for scale-out (event fan-out, shared presence and locks). Empty: in-process.',
    schema: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
  }),
  redisPrefix: option({ env: 'REDIS_PREFIX', description: 'Prefix of every Redis key and channel.', schema: z.string().default('tandem:') }),
  sessionSecret: option({
    env: 'SESSION_SECRET',
    description: 'Secret for signing connect tokens.',
    schema: z.string().min(32).optional(),
    shownDefault: 'generated',
    secret: true,
  }),
  sessionTtlHours: option({ env: 'SESSION_TTL_HOURS', description: 'Lifetime of a login session.', schema: int(1, 24 * 365).default(24 * 14) }),
  authCacheMs: option({
    env: 'AUTH_CACHE_MS',
    description:
      "How long a node trusts what it looked up about a session, a member's role or an entity's workspace without asking the database again. Log-out and role changes take effect at once on every node; this bounds the delay when that notice is lost. 0 turns the caches off.",
    schema: int(0, 600000).default(10000),
  }),
  demoData: option({ env: 'DEMO_DATA', description: 'Create the demo workspace and users on first start.', schema: bool.default(true) }),
  logLevel: option({
    env: 'LOG_LEVEL',
    description: 'pino log level.',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  }),
  allowedOrigins: option({
    env: 'ALLOWED_ORIGINS',
    description: 'Comma-separated extra origins allowed for cookie-authenticated writes and WebSocket upgrades.',
    schema: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
  }),
  loginRateLimit: option({ env: 'LOGIN_RATE_LIMIT', description: 'Log-in attempts per minute per IP.', schema: int(1, 10000).default(10) }),
  bodyLimitBytes: option({
    env: 'BODY_LIMIT_BYTES',
    description: 'Maximum HTTP request body size.',
    schema: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  }),
  fileMaxBytes: option({
    env: 'FILE_MAX_BYTES',
    description: 'Largest file one upload may store (chat attachments, record files).',
    schema: int(1024, 10 * 1024 * 1024 * 1024).default(25 * 1024 * 1024),
  }),
  workspaceFileQuotaBytes: option({
    env: 'WORKSPACE_FILE_QUOTA_BYTES',
    description: 'Total size of the files one workspace may store.',
    schema: int(1024, Number.MAX_SAFE_INTEGER).default(1024 * 1024 * 1024),
  }),
  wsMaxFrameBytes: option({ env: 'WS_MAX_FRAME_BYTES', description: 'Maximum WebSocket frame size.', schema: int(256, 16 * 1024 * 1024).default(64 * 1024) }),
  wsMessagesPerSecond: option({
    env: 'WS_MESSAGES_PER_SECOND',
    description: 'Per-connection message rate limit (burst is twice this).',
    schema: int(1, 100000).default(50),
  }),
  wsMaxConnectionsPerUser: option({
    env: 'WS_MAX_CONNECTIONS_PER_USER',
    description: 'Concurrent WebSocket/SSE connections per user per node.',
    schema: int(1, 100000).default(50),
  }),
  wsSendBufferBytes: option({
    env: 'WS_SEND_BUFFER_BYTES',
    description: 'Per-connection send-buffer cap; a client past it is closed as a slow consumer.',
    schema: int(1024, 1024 * 1024 * 1024).default(4 * 1024 * 1024),
  }),
  heartbeatMs: option({
    env: 'HEARTBEAT_MS',
    description: 'WebSocket ping interval; a connection without pong for two intervals is closed.',
    schema: int(100, 600000).default(30000),
  }),
  presenceGraceMs: option({
    env: 'PRESENCE_GRACE_MS',
    description: 'How long a user stays present after their last connection closes (no flicker on reconnect).',
    schema: int(0, 600000).default(5000),
  }),
  lockTtlMs: option({
    env: 'LOCK_TTL_MS',
    description: 'Lease of a cell lock; renewed while the holder is connected.',
    schema: int(1000, 3600000).default(30000),
  }),
  eventHistoryCount: option({ env: 'EVENT_HISTORY_COUNT', description: 'Durable events kept per room for resume.', schema: int(10, 100000000).default(10000) }),
  eventHistoryHours: option({
    env: 'EVENT_HISTORY_HOURS',
    description: 'Age after which durable events are trimmed.',
    schema: int(1, 24 * 365).default(24 * 7),
  }),
  replayBufferEvents: option({
    env: 'REPLAY_BUFFER_EVENTS',
    description:
      'Newest durable events each room keeps in memory (up to about 1 MB of them), so a client resuming from a recent seq is replayed without reading the event log; never more than `EVENT_HISTORY_COUNT`. 0: every resume reads the log.',
    schema: int(0, 100000).default(500),
  }),
  roomLingerMs: option({
    env: 'ROOM_LINGER_MS',
    description:
      'How long a room whose last subscriber on this node left keeps following its events, so clients reconnecting after a dropped connection resume from memory.',
    schema: int(0, 600000).default(10000),
  }),
  smtpUrl: option({
    env: 'SMTP_URL',
    description: 'SMTP server for email (smtp://user:pass@host:port). Empty: .eml files in DATA_DIR/mail.',
    schema: z.string().optional(),
    secret: true,
  }),
  mailFrom: option({ env: 'MAIL_FROM', description: 'Sender address of outgoing email.', schema: z.string().default('Tandem <tandem@localhost>') }),
  invitationTtlDays: option({
    env: 'INVITATION_TTL_DAYS',
    description: 'How long the link of an invitation by email to a workspace stays valid.',
    schema: int(1, 365).default(7),
  }),
  vapidSubject: option({
    env: 'VAPID_SUBJECT',
    description: 'Contact (mailto: or https: URL) sent to Web Push services with each push message.',
    schema: z
      .string()
      .regex(/^(mailto:|https:)/, 'must start with mailto: or https:')
      .default('mailto:tandem@localhost'),
  }),
  jobsPollMs: option({
    env: 'JOBS_POLL_MS',
    description: 'How often each server checks for due scheduled jobs (email delivery, digests, clean-up). 0 turns the scheduler off.',
    schema: int(0, 3600000).default(5000),
  }),
  metricsIntervalMs: option({
    env: 'METRICS_INTERVAL_MS',
    description: 'How often each server samples its figures for the operations dashboard (`metrics_update` in `system`). 0 turns sampling off.',
    schema: int(0, 60000).default(1000),
  }),
  metricsToken: option({
    env: 'METRICS_TOKEN',
    description:
      'Bearer token `GET /metrics` requires (Prometheus: `authorization: {credentials: …}`). Empty: `/metrics` is open to whoever reaches its listener (a warning is logged when that is not loopback).',
    schema: z.string().trim().min(16, 'must be at least 16 characters').optional(),
    secret: true,
  }),
  metricsPort: option({
    env: 'METRICS_PORT',
    description: 'Serve `/metrics` on a listener of its own at this port (and no longer on PORT). Empty: on PORT.',
    schema: int(0, 65535).optional(),
  }),
  metricsHost: option({
    env: 'METRICS_HOST',
    description: 'Interface the METRICS_PORT listener binds to.',
    schema: z.string().min(1).optional(),
    shownDefault: 'HOST',
  }),
  alertEvaluateMs: option({
    env: 'ALERT_EVALUATE_MS',
    description: 'How often threshold alert rules are evaluated (once across all servers). 0 turns evaluation off.',
    schema: int(0, 3600000).default(1000),
  }),
  docUnloadMs: option({
    env: 'DOC_UNLOAD_MS',
    description: 'How long a collaborative document stays in memory after its last local participant left.',
    schema: int(100, 3600000).default(30000),
  }),
  docPlainDebounceMs: option({
    env: 'DOC_PLAIN_DEBOUNCE_MS',
    description: "How long edits of a rich text document settle before its plain text is written to the record's value.",
    schema: int(0, 600000).default(1000),
  }),
  docAutoVersionMs: option({
    env: 'DOC_AUTO_VERSION_MS',
    description: 'While a document is edited, an automatic version is taken at most this often. 0 turns automatic versions off.',
    schema: int(0, 86400000).default(600000),
  }),
  docCompactUpdates: option({
    env: 'DOC_COMPACT_UPDATES',
    description: 'A document with this many stored updates is compacted into its snapshot by the background job.',
    schema: int(1, 1000000).default(200),
  }),
  notificationRetentionDays: option({
    env: 'NOTIFICATION_RETENTION_DAYS',
    description: 'Read notifications older than this are deleted by the daily clean-up.',
    schema: int(1, 3650).default(90),
  }),
  analyticsRetentionDays: option({
    env: 'ANALYTICS_RETENTION_DAYS',
    description: 'Raw analytics sessions, page views and events older than this are deleted; daily rollups stay.',
    schema: int(1, 3650).default(90),
  }),
  analyticsFlushMs: option({
    env: 'ANALYTICS_FLUSH_MS',
    description: 'Page views and events are written in batches at least this often (and at 500 rows).',
    schema: int(10, 60000).default(1000),
  }),
  analyticsRateLimit: option({
    env: 'ANALYTICS_RATE_LIMIT',
    description: 'Analytics beacons accepted per minute from one IP address (then 429).',
    schema: int(1, 1000000).default(600),
  }),
} as const;

type Options = typeof CONFIG_OPTIONS;

/** The validated configuration. */
export type Config = { readonly [K in keyof Options]: z.output<Options[K]['schema']> };

/** Thrown when the environment holds a bad value; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads and validates the configuration from environment variables, with `overrides` (used by
 * tests) taking precedence. Throws a {@link ConfigError} listing every bad value.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Options, unknown>> = {}): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(CONFIG_OPTIONS) as [keyof Options, Options[keyof Options]][]) {
    const raw = key in overrides ? overrides[key] : env[spec.env] === '' ? undefined : env[spec.env];
    const parsed = (spec.schema as z.ZodType).safeParse(raw);
    if (parsed.success) out[key] = parsed.data;
    else {
      const shown = spec.secret ? '(hidden)' : JSON.stringify(raw);
      problems.push(`${spec.env}=${shown}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return out as Config;
}
