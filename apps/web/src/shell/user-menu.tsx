import { useState } from 'react';
import { useLogOut } from '../api/session.ts';
import type { User } from '../api/types.ts';
import { navigate } from '../router/router.ts';
import { Avatar } from '../ui/avatar.tsx';

/** The signed-in user's avatar, name and a Log out button. */
export function UserMenu({ user }: { user: User }) {
  const logOut = useLogOut();
  const [busy, setBusy] = useState(false);
  return (
    <div className="user-menu">
      <Avatar name={user.name} color={user.color} />
      <span className="user-name">{user.name}</span>
      <button
        type="button"
        className="btn btn-ghost"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await logOut();
          } finally {
            setBusy(false);
            navigate('/login', { replace: true });
          }
        }}
      >
        Log out
      </button>
    </div>
  );
}
