import { z } from 'zod';
import { actorSchema, entity, id, shape, timestamp } from '../http/openapi.ts';

/** A comment (protocol `Comment`). */
export const commentSchema = entity(
  'Comment',
  {
    id,
    workspace_id: id,
    table_id: id.nullable(),
    record_id: id.nullable(),
    activity_id: id.nullable(),
    parent_id: id.nullable(),
    thread_id: id,
    author: actorSchema.nullable(),
    body: z.string().describe('The markdown as written'),
    body_html: z.string().describe('Sanitised HTML rendered from body; mentions are <span class="mention">'),
    mentions: z.array(id),
    resolved: z.boolean(),
    resolved_at: timestamp.nullable(),
    resolved_by: id.nullable(),
    edited_at: timestamp.nullable(),
    deleted_at: timestamp.nullable(),
    created_at: timestamp,
  },
  'A comment on a record or an activity entry.',
  {
    id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    workspace_id: '0f4d1c3a-6b7e-4a2d-9c8b-1e2f3a4b5c6d',
    table_id: '6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d',
    record_id: '5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b',
    activity_id: null,
    parent_id: null,
    thread_id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    author: { id: '8d6b2f0e-3c1a-4b7e-9f10-2a4c6e8b0d13', name: 'Bob Okafor' },
    body: 'Ready for @Ann Lee',
    body_html: '<p>Ready for <span class="mention" data-user-id="2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e">@Ann Lee</span></p>',
    mentions: ['2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e'],
    resolved: false,
    resolved_at: null,
    resolved_by: null,
    edited_at: null,
    deleted_at: null,
    created_at: '2026-03-02T09:30:00.000Z',
  },
);

/** A list of comments, oldest first. */
export const commentListSchema = shape({ comments: z.array(commentSchema) });

/** Who follows a record. */
export const followersSchema = shape({ following: z.boolean().describe('Whether you follow it'), followers: z.array(id) });

/** Whether you follow a record now. */
export const followingSchema = shape({ following: z.boolean() });
