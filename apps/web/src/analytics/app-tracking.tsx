import { useEffect } from 'react';
import { useAppSiteKey } from './analytics-queries.ts';

/** Marks the script tag this app added, so it is added once. */
const SCRIPT_ID = 'tandem-app-tracking';

/**
 * The web app tracks itself when an admin chose a site for it (`tracks_app`): it loads the
 * server's own `/t.js` with that site's key. The snippet follows client-side navigation through
 * the history API, so nothing else is needed here. A loaded snippet cannot be unloaded, so it is
 * added once per page load: turning tracking off, or a workspace with another app site, takes
 * effect on the next full load. Renders nothing.
 */
export function AppTracking({ workspaceId }: { workspaceId: string | null }) {
  const siteKey = useAppSiteKey(workspaceId).data ?? null;
  useEffect(() => {
    if (!siteKey || document.getElementById(SCRIPT_ID)) return;
    const script = document.createElement('script');
    script.id = SCRIPT_ID;
    script.async = true;
    script.src = '/t.js';
    script.dataset.site = siteKey;
    document.head.appendChild(script);
  }, [siteKey]);
  return null;
}
