import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './http.ts';
import type { Me, User } from './types.ts';

/** Query key of the current user; everything user-specific hangs below it. */
export const ME_KEY = ['me'] as const;

/**
 * The logged-in user and their workspaces, or null when nobody is logged in.
 * Asks `/auth/session`, which answers `{user: null}` rather than a 401 when logged out.
 */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      const session = await api.get<Me | { user: null }>('/auth/session');
      return session.user ? (session as Me) : null;
    },
    staleTime: 30_000,
  });
}

/** Logs in with the session cookie and refreshes everything user-specific. */
export function useLogIn() {
  const client = useQueryClient();
  return async (email: string, password: string): Promise<User> => {
    const { user } = await api.post<{ user: User }>('/auth/login', { email, password });
    client.clear();
    await client.fetchQuery({ queryKey: ME_KEY, queryFn: () => api.get<Me>('/me') });
    return user;
  };
}

/** Ends the session and forgets every cached answer of the previous user. */
export function useLogOut() {
  const client = useQueryClient();
  return async (): Promise<void> => {
    try {
      await api.post('/auth/logout');
    } finally {
      client.clear();
      client.setQueryData(ME_KEY, null);
    }
  };
}
