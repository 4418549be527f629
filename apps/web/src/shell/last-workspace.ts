/**
 * The workspace the user last opened, kept in localStorage so pages outside a workspace
 * (notifications, preferences, a new workspace) keep its switcher and navigation in the header.
 */

const KEY = 'tandem:last-workspace';

/** Remembers `id` as the workspace last opened (quietly skipped where storage is refused). */
export function rememberWorkspace(id: string): void {
  try {
    localStorage.setItem(KEY, id);
  } catch {
    // Private modes may refuse storage; the shell then falls back to the first workspace.
  }
}

/** The id remembered by {@link rememberWorkspace}, or null. */
export function lastWorkspaceId(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}
