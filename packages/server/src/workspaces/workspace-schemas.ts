import { roleSchema } from '@tandem/protocol';
import { z } from 'zod';
import { entity, id, timestamp } from '../http/openapi.ts';

/** A workspace with the caller's role in it. */
export const workspaceSchema = entity('Workspace', { id, name: z.string(), role: roleSchema, created_at: timestamp }, 'A workspace, with your role in it.', {
  id: '0f4d1c3a-6b7e-4a2d-9c8b-1e2f3a4b5c6d',
  name: 'Maintenance',
  role: 'owner',
  created_at: '2026-03-02T09:30:00.000Z',
});

/** A workspace member (protocol `MemberInfo`). */
export const memberSchema = entity(
  'MemberInfo',
  { user_id: id, email: z.string(), name: z.string(), color: z.string(), role: roleSchema, joined_at: timestamp },
  'A workspace member with their role.',
);

/** A pending invitation (protocol `InvitationInfo`). */
export const invitationSchema = entity(
  'InvitationInfo',
  {
    id,
    workspace_id: id,
    email: z.string(),
    role: roleSchema,
    invited_by: z.looseObject({ id, name: z.string() }).nullable(),
    created_at: timestamp,
    expires_at: timestamp,
  },
  'An invitation sent to an address without an account, until it is used, revoked or expires.',
);

/** What an invitation link is for (protocol `InvitationPreview`). */
export const invitationPreviewSchema = entity(
  'InvitationPreview',
  {
    workspace: z.looseObject({ id, name: z.string() }),
    email: z.string(),
    role: roleSchema,
    invited_by: z.string().nullable().describe('The name of the admin who invited'),
    expires_at: timestamp,
  },
  'What the invitation link shows before registering.',
);

/** The answer to an invitation: the address had an account and is a member now, or it was sent a link. */
export const inviteResultSchema = z
  .union([z.looseObject({ status: z.literal('added'), member: memberSchema }), z.looseObject({ status: z.literal('invited'), invitation: invitationSchema })])
  .describe('`added` when the address already had an account, `invited` when a link was emailed.');
