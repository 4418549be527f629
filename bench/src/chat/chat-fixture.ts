import { runBounded } from '../generator/connect-queue.ts';
import { callOk } from './chat-api.ts';

/** A chat room of the bench and the indexes of its members in {@link ChatFixture.users}. */
export interface BenchChatRoom {
  readonly id: string;
  readonly members: readonly number[];
}

/** Users, one workspace and group rooms created through Tandem's public API. */
export interface ChatFixture {
  readonly workspaceId: string;
  readonly users: readonly { readonly id: string; readonly token: string }[];
  readonly rooms: readonly BenchChatRoom[];
}

/** Sizes of a {@link ChatFixture}: `users` must be a multiple of `membersPerRoom`. */
export interface ChatFixtureSize {
  readonly users: number;
  readonly rooms: number;
  readonly membersPerRoom: number;
}

const PASSWORD = 'bench-password-not-secret';

/**
 * Room `r` holds the users `(r + k · users/membersPerRoom) mod users` for k < membersPerRoom, so
 * with as many rooms as users every user is in exactly `membersPerRoom` rooms and every room has
 * different members.
 */
export function roomMembers(room: number, size: ChatFixtureSize): number[] {
  const stride = size.users / size.membersPerRoom;
  return Array.from({ length: size.membersPerRoom }, (_, k) => (room + k * stride) % size.users);
}

/** Registers the users, puts them in one workspace as editors and creates the group rooms. */
export async function createChatFixture(url: string, size: ChatFixtureSize): Promise<ChatFixture> {
  const run = Math.random().toString(36).slice(2, 8);
  const users: { id: string; token: string; email: string }[] = new Array(size.users);
  await runBounded(size.users, 4, async (i) => {
    const email = `chat.${run}.${i}@bench.tandem.dev`;
    const registered = await callOk<{ user: { id: string } }>(url, 'POST', '/auth/register', null, { email, name: `Chat ${i}`, password: PASSWORD });
    const login = await callOk<{ token: string }>(url, 'POST', '/auth/login', null, { email, password: PASSWORD });
    users[i] = { id: registered.user.id, token: login.token, email };
  });
  const owner = users[0] as { token: string };
  const workspace = await callOk<{ id: string }>(url, 'POST', '/workspaces', owner.token, { name: `Chat bench ${run}` });
  await runBounded(size.users - 1, 4, async (i) => {
    await callOk(url, 'POST', `/workspaces/${workspace.id}/members`, owner.token, { email: users[i + 1]?.email, role: 'editor' });
  });
  const rooms: BenchChatRoom[] = new Array(size.rooms);
  await runBounded(size.rooms, 4, async (r) => {
    const members = roomMembers(r, size);
    const creator = users[members[0] as number] as { token: string };
    const room = await callOk<{ id: string }>(url, 'POST', '/chat/rooms', creator.token, {
      workspace_id: workspace.id,
      kind: 'group',
      name: `Room ${r}`,
      member_ids: members.slice(1).map((m) => users[m]?.id),
    });
    rooms[r] = { id: room.id, members };
  });
  return { workspaceId: workspace.id, users: users.map((u) => ({ id: u.id, token: u.token })), rooms };
}
