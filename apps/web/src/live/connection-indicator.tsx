import type { ConnectionStatus } from '@tandem/client';
import { useConnectionStatus } from '@tandem/react';

const LABELS: Readonly<Record<ConnectionStatus, { text: string; tone: 'ok' | 'warn' | 'bad' }>> = {
  idle: { text: 'Connecting…', tone: 'warn' },
  connecting: { text: 'Connecting…', tone: 'warn' },
  connected: { text: 'Live', tone: 'ok' },
  reconnecting: { text: 'Reconnecting…', tone: 'warn' },
  offline: { text: 'Offline', tone: 'bad' },
  failed: { text: 'Disconnected', tone: 'bad' },
  closed: { text: 'Disconnected', tone: 'bad' },
};

/** A dot and a word for the realtime connection; screen readers hear changes politely. */
export function ConnectionIndicator() {
  const status = useConnectionStatus();
  const label = LABELS[status];
  return (
    <span className={`connection connection-${label.tone}`} role="status" aria-live="polite" data-status={status} title={`Realtime connection: ${status}`}>
      <span className="connection-dot" aria-hidden="true" />
      {label.text}
    </span>
  );
}
