import type { Actor } from '@tandem/protocol';
import type { AuthInfo } from './auth-service.ts';

/** The caller as events, activity and notifications name them: user id and display name. */
export function actorOf(auth: AuthInfo): Actor {
  return { id: auth.user.id, name: auth.user.name };
}
