import type { TandemClient } from '@tandem/client';
import { createContext, createElement, type ReactNode, useContext } from 'react';

/** The client the hooks below use; provided once near the root of the app. */
export const TandemContext = createContext<TandemClient | null>(null);

/** Props of {@link TandemProvider}. */
export interface TandemProviderProps {
  /** A client the app created (and closes when it no longer needs it). */
  readonly client: TandemClient;
  readonly children?: ReactNode;
}

/** Makes `client` available to every Tandem hook below it. */
export function TandemProvider({ client, children }: TandemProviderProps): ReactNode {
  return createElement(TandemContext.Provider, { value: client }, children);
}

/** The client from the nearest {@link TandemProvider}; throws when there is none. */
export function useTandemClient(): TandemClient {
  const client = useContext(TandemContext);
  if (!client) throw new Error('useTandemClient: wrap the component in <TandemProvider client={…}>.');
  return client;
}
