import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { Secrets } from '../config/secrets.ts';

/** A browser's push subscription as the Push API gives it. */
export interface PushSubscriptionKeys {
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

/** VAPID keys that identify this server to push services. */
export interface VapidKeys {
  readonly publicKey: string;
  readonly privateKey: string;
}

/** What a push message tells the browser's service worker (JSON, encrypted for the subscription). */
export interface PushMessage {
  /** The notification id; a service worker can use it as the notification tag to fold repeats. */
  readonly id: string;
  readonly type: string;
  readonly title: string;
  readonly body: string;
  /** Where a click leads. */
  readonly url?: string;
}

/** How {@link PushSender} reaches push services. */
export interface PushSenderOptions {
  /** HTTPS agent for the requests to push services (for example one that trusts an extra CA). Default: Node's global agent. */
  readonly agent?: Agent;
  /** How long a push service may stay silent (socket idle) before the attempt counts as failed. Default: 30 000 ms. */
  readonly timeoutMs?: number;
}

/** The result of one attempt: delivered to the push service, or the subscription is gone for good. */
export type PushResult = 'sent' | 'gone';

const DEFAULT_TIMEOUT_MS = 30_000;
/** Seconds a push service keeps an undelivered message for an offline browser. */
const TTL_SECONDS = 24 * 3600;

/**
 * Largest plaintext that fits one aes128gcm record of 4096 bytes (RFC 8291 §4): the 86-byte header
 * (salt, record size, key id), the padding delimiter and the 16-byte tag come on top. Push services
 * refuse bigger bodies with 413, which would fail every retry.
 */
export const PUSH_PAYLOAD_MAX_BYTES = 4096 - 86 - 1 - 16;

/** For `loadOrCreateSecrets`: generates the VAPID key pair once; afterwards the stored pair is kept. */
export function ensureVapidKeys(current: Partial<Secrets>): Partial<Secrets> {
  if (current.vapidPublicKey && current.vapidPrivateKey) return {};
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { vapidPublicKey: publicKey, vapidPrivateKey: privateKey };
}

/**
 * True when the keys can encrypt a message: `p256dh` an uncompressed P-256 point (65 bytes) and
 * `auth` a secret of at least 16 bytes, both base64url. Anything else can never be delivered.
 */
export function hasUsableKeys(keys: { readonly p256dh: string; readonly auth: string }): boolean {
  const base64url = /^[A-Za-z0-9_-]+={0,2}$/;
  if (!base64url.test(keys.p256dh) || !base64url.test(keys.auth)) return false;
  const point = Buffer.from(keys.p256dh, 'base64url');
  return point.length === 65 && point[0] === 0x04 && Buffer.from(keys.auth, 'base64url').length >= 16;
}

/**
 * The message as JSON of at most {@link PUSH_PAYLOAD_MAX_BYTES} bytes: a body (then a title) too
 * long for one push record is cut and ends with `…`; the full text stays in the inbox.
 */
export function encodePushMessage(message: PushMessage): string {
  let fitted = message;
  for (const part of ['body', 'title'] as const) {
    const chars = Array.from(fitted[part]);
    let keep = chars.length;
    let json = JSON.stringify(fitted);
    while (Buffer.byteLength(json) > PUSH_PAYLOAD_MAX_BYTES && keep > 0) {
      // Every character removed frees at least one byte, so the excess is a safe step.
      keep = Math.max(0, keep - (Buffer.byteLength(json) - PUSH_PAYLOAD_MAX_BYTES));
      fitted = { ...fitted, [part]: keep > 0 ? `${chars.slice(0, keep).join('')}…` : '' };
      json = JSON.stringify(fitted);
    }
    if (Buffer.byteLength(json) <= PUSH_PAYLOAD_MAX_BYTES) return json;
  }
  return JSON.stringify(fitted);
}

/** Sends Web Push messages (RFC 8030, aes128gcm, VAPID) with the `web-push` library. */
export class PushSender {
  readonly #timeoutMs: number;

  constructor(
    private readonly keys: VapidKeys,
    private readonly subject: string,
    private readonly options: PushSenderOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The key browsers need to subscribe (`applicationServerKey`). */
  get publicKey(): string {
    return this.keys.publicKey;
  }

  /**
   * Sends one message. Returns `gone` when the push service says the subscription no longer
   * exists (404/410) or its keys can never encrypt a message, so the caller removes it; other
   * failures (5xx, 429, timeouts, network errors) throw, so the outbox retries.
   */
  async send(subscription: PushSubscriptionKeys, message: PushMessage): Promise<PushResult> {
    if (!hasUsableKeys(subscription)) return 'gone';
    try {
      await webpush.sendNotification(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        encodePushMessage(message),
        {
          vapidDetails: { subject: this.subject, publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
          TTL: TTL_SECONDS,
          timeout: this.#timeoutMs,
          ...(this.options.agent ? { agent: this.options.agent } : {}),
        },
      );
      return 'sent';
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) return 'gone';
      // web-push says only "Received unexpected response code"; the status is what an operator needs.
      if (status !== undefined) throw new Error(`push service answered ${status}`, { cause: err });
      throw err;
    }
  }
}
