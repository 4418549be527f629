import { z } from 'zod';
import { actorSchema, entity, id, nextCursor, shape, timestamp } from '../http/openapi.ts';

/** An activity entry (protocol `ActivityEntry`). */
export const activityEntrySchema = entity(
  'ActivityEntry',
  {
    id,
    workspace_id: id,
    table_id: id.nullable(),
    record_id: id.nullable(),
    entity_type: z.string(),
    entity_id: z.string(),
    action: z.string(),
    actor: actorSchema.nullable(),
    changes: z.array(shape({ field_id: z.string(), field_name: z.string(), before: z.unknown(), after: z.unknown() })),
    meta: z.record(z.string(), z.unknown()),
    created_at: timestamp,
  },
  'An audit-trail entry: who did what to which entity, with a field-level diff.',
);

/** A page of activity, newest first. */
export const activityPageSchema = shape({ activity: z.array(activityEntrySchema), next_cursor: nextCursor });
