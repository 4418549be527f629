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

/** For `loadOrCreateSecrets`: generates the VAPID key pair once; afterwards the stored pair is kept. */
export function ensureVapidKeys(current: Partial<Secrets>): Partial<Secrets> {
  if (current.vapidPublicKey && current.vapidPrivateKey) return {};
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { vapidPublicKey: publicKey, vapidPrivateKey: privateKey };
}

/** Sends Web Push messages. */
export class PushSender {
  constructor(
    private readonly keys: VapidKeys,
    private readonly subject: string,
  ) {}

  /** The key browsers need to subscribe (`applicationServerKey`). */
  get publicKey(): string {
    return this.keys.publicKey;
  }

  /**
   * Sends one message. Returns `gone` when the push service says the subscription no longer
   * exists (404/410), so the caller removes it; other failures throw.
   */
  async send(subscription: PushSubscriptionKeys, payload: unknown): Promise<'sent' | 'gone'> {
    try {
      await webpush.sendNotification(
        { endpoint: subscription.endpoint, keys: { p256dh: subscription.p256dh, auth: subscription.auth } },
        JSON.stringify(payload),
        {
          vapidDetails: { subject: this.subject, publicKey: this.keys.publicKey, privateKey: this.keys.privateKey },
          TTL: 24 * 3600,
        },
      );
      return 'sent';
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) return 'gone';
      throw err;
    }
  }
}
