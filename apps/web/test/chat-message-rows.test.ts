import type { ChatMessage } from '@tandem/client';
import { describe, expect, it } from 'vitest';
import { messageRows } from '../src/chat/message-rows.ts';

function message(id: string, author: string, createdAt: string): ChatMessage {
  return {
    id,
    room_id: 'r',
    workspace_id: 'w',
    author: { id: author, name: author },
    client_id: null,
    body: id,
    body_html: `<p>${id}</p>`,
    mentions: [],
    parent_id: null,
    reply_count: 0,
    last_reply_at: null,
    thread_participants: [],
    reactions: [],
    attachments: [],
    edited_at: null,
    deleted_at: null,
    created_at: createdAt,
  };
}

describe('chat message rows', () => {
  it('shows one header per run of one author, a new header after a pause or another author, and a separator per day', () => {
    const rows = messageRows(
      [
        message('a1', 'alice', '2026-12-05T10:00:00'),
        message('a2', 'alice', '2026-12-05T10:01:00'),
        message('b1', 'bob', '2026-12-05T10:02:00'),
        message('b2', 'bob', '2026-12-05T10:30:00'),
        message('b3', 'bob', '2026-12-06T09:00:00'),
      ],
      [],
      new Date('2026-12-06T12:00:00'),
    );
    expect(rows.map((r) => (r.kind === 'day' ? `day:${r.label}` : r.kind === 'message' ? `${r.key}${r.showHeader ? '+' : ''}` : r.key))).toEqual([
      'day:Yesterday',
      'a1+',
      'a2',
      'b1+',
      'b2+',
      'day:Today',
      'b3+',
    ]);
  });
});
