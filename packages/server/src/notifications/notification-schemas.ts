import { CHANNELS, NOTIFICATION_TYPES } from '@tandem/protocol';
import { z } from 'zod';
import { actorSchema, entity, id, nextCursor, shape, timestamp } from '../http/openapi.ts';
import { EMAIL_DELIVERY } from './preferences.ts';

/** A notification (protocol `NotificationInfo`). */
export const notificationSchema = entity(
  'NotificationInfo',
  {
    id,
    type: z.enum(NOTIFICATION_TYPES),
    title: z.string(),
    body: z.string(),
    workspace_id: id.nullable(),
    table_id: id.nullable(),
    record_id: id.nullable(),
    comment_id: id.nullable(),
    approval_id: id.nullable(),
    chat_room_id: id.nullable(),
    chat_message_id: id.nullable(),
    alert_id: id.nullable(),
    actor: actorSchema.nullable(),
    urgent: z.boolean(),
    read_at: timestamp.nullable(),
    archived_at: timestamp.nullable(),
    created_at: timestamp,
  },
  'A notification in the inbox.',
);

/** A page of the inbox. */
export const notificationPageSchema = shape({ notifications: z.array(notificationSchema), next_cursor: nextCursor });

/** How many unread notifications are left. */
export const unreadCountSchema = shape({ unread_count: z.number().int() });

/** Per-user notification preferences. */
export const preferencesSchema = entity(
  'NotificationPreferences',
  {
    channels: z
      .record(z.string(), z.record(z.string(), z.boolean()))
      .describe(`type (${NOTIFICATION_TYPES.join(', ')}) → channel (${CHANNELS.join(', ')}) → on`),
    quiet_hours: shape({}).nullable(),
    email_delivery: z.enum(EMAIL_DELIVERY),
  },
  'Which notification types reach which channel, quiet hours and email digests.',
);
