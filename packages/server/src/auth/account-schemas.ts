import { roleSchema } from '@tandem/protocol';
import { z } from 'zod';
import { entity, id, shape, timestamp } from '../http/openapi.ts';

/** Response schemas of the account routes (`UserInfo`, `MeInfo` and friends of the protocol). */

/** A user as other users see them. */
export const userInfoSchema = entity(
  'UserInfo',
  { id, email: z.string(), name: z.string(), color: z.string().describe('Stable colour for the avatar, cursor and locks') },
  'A user as other users see them.',
  { id: '8d6b2f0e-3c1a-4b7e-9f10-2a4c6e8b0d13', email: 'bob@example.com', name: 'Bob Okafor', color: '#2563eb' },
);

/** A workspace of the current user, with their role. */
export const workspaceSummarySchema = entity(
  'WorkspaceSummary',
  { id, name: z.string(), role: roleSchema },
  'A workspace the current user belongs to, with their role in it.',
);

/** `GET /me`. */
export const meSchema = entity('MeInfo', { user: userInfoSchema, workspaces: z.array(workspaceSummarySchema) }, 'The logged-in user and their workspaces.');

/** `GET /auth/session`: like {@link meSchema}, with `user: null` when logged out. */
export const sessionSchema = shape({ user: userInfoSchema.nullable(), workspaces: z.array(workspaceSummarySchema) });

/** `POST /auth/login`. */
export const loginSchema = shape({ user: userInfoSchema, token: z.string().describe('Bearer token of the session'), expires_at: timestamp });

/** `POST /auth/tokens`: the token is shown this once. */
export const apiTokenSchema = entity(
  'ApiToken',
  { id, token: z.string().describe('Shown once; send as Authorization: Bearer'), name: z.string(), expires_at: timestamp.nullable() },
  'An API token, as created.',
);
