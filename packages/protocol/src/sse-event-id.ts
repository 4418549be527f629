/** The last seq per room an SSE stream has delivered; carried in every durable event's `id:`. */
export type SsePositions = Readonly<Record<string, number>>;

/**
 * Encodes per-room seqs as an SSE event id: base64url of the JSON object `{room: seq}`, so one
 * `Last-Event-ID` resumes every room of a multi-room stream. Runs in browsers and Node.
 */
export function encodeSseEventId(positions: SsePositions): string {
  const bytes = new TextEncoder().encode(JSON.stringify(positions));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes a `Last-Event-ID` made by {@link encodeSseEventId}; an unreadable one counts as none (`{}`). */
export function decodeSseEventId(id: string | null | undefined): Record<string, number> {
  if (!id) return {};
  try {
    const base64 = id.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    if (typeof parsed !== 'object' || parsed === null) return {};
    const out: Record<string, number> = {};
    for (const [room, seq] of Object.entries(parsed)) if (Number.isInteger(seq) && (seq as number) >= 0) out[room] = seq as number;
    return out;
  } catch {
    return {};
  }
}
