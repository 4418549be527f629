import { api } from '../api/http.ts';

/** Converts the server's base64url VAPID key into the bytes PushManager wants. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Whether this browser can receive Web Push at all. */
export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/**
 * Asks for permission, registers the push service worker, subscribes with the server's VAPID
 * key and registers the subscription with the server. Returns a message for the user.
 */
export async function enableBrowserPush(): Promise<string> {
  if (!pushSupported()) return 'This browser does not support push notifications.';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'Notifications are blocked for this site in the browser settings.';
  const { public_key } = await api.get<{ public_key: string }>('/notifications/push-key');
  const registration = await navigator.serviceWorker.register('/push-sw.js');
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(public_key) }));
  const json = subscription.toJSON();
  await api.post('/notifications/push-subscriptions', { endpoint: json.endpoint, keys: json.keys });
  return 'Browser push is on for this browser.';
}
