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
