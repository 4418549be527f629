import { TandemClient } from '@tandem/client';
import { TandemProvider } from '@tandem/react';
import { type ReactNode, useEffect, useState } from 'react';

/**
 * One realtime connection per signed-in user for the whole app (cookie-authenticated, same
 * origin), closed when the user logs out or the shell unmounts.
 */
export function LiveClientProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [client, setClient] = useState<TandemClient | null>(null);
  useEffect(() => {
    const c = new TandemClient({ url: window.location.origin });
    setClient(c);
    return () => c.close();
    // A different user gets a different connection.
  }, [userId]);
  if (!client) return null;
  return <TandemProvider client={client}>{children}</TandemProvider>;
}
