import { type AnalyticsSite, roleAtLeast } from '@tandem/protocol';
import { useState } from 'react';
import type { WorkspaceSummary } from '../api/types.ts';
import { Link } from '../router/link.tsx';
import { SettingsPage, SettingsSection } from '../ui/settings-section.tsx';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.tsx';
import { usePendingValues } from '../ui/use-pending-values.ts';
import { useSaveStatus } from '../ui/use-save-status.ts';
import { useMembers } from '../workspaces/workspace-queries.ts';
import { useAnalyticsGrants, useGrantAction, useSiteActions, useSites } from './analytics-queries.ts';
import { InstallSnippet } from './install-snippet.tsx';
import { SiteForm } from './site-form.tsx';

/**
 * The sites a workspace tracks: each with its dashboard link and install snippet; admins add,
 * edit and delete sites and choose which other members may read the analytics.
 */
export function SitesPage({ workspace }: { workspace: WorkspaceSummary }) {
  const sites = useSites(workspace.id);
  const actions = useSiteActions(workspace.id);
  const admin = roleAtLeast(workspace.role, 'admin');
  const [editing, setEditing] = useState<string | null>(null);
  const status = useSaveStatus();

  const remove = (site: AnalyticsSite) => {
    if (window.confirm(`Delete the site “${site.name}” with all its analytics?`)) void status.track(actions.remove.mutateAsync(site.id), () => 'Site deleted');
  };

  return (
    <SettingsPage
      title="Analytics"
      titleId="analytics-title"
      className="analytics"
      description={`Visitors, page views and events of the sites ${workspace.name} tracks — without cookies, no IP address kept.`}
    >
      <SettingsSection title="Sites" description="Open a site for its dashboard; its install snippet goes into the pages it tracks." status={status.state}>
        {sites.isPending ? (
          <LoadingState label="Loading sites" />
        ) : sites.isError ? (
          <ErrorState error={sites.error} onRetry={() => void sites.refetch()} />
        ) : sites.data.length === 0 ? (
          <EmptyState title="No site is tracked yet">
            {admin ? (
              <ol className="an-steps">
                <li>Add a site below with the host names its pages are served from.</li>
                <li>
                  Copy the one-line <code>&lt;script&gt;</code> tag it shows into the <code>&lt;head&gt;</code> of your pages.
                </li>
                <li>Open the site's dashboard: visitors appear within a second of their first page view.</li>
              </ol>
            ) : (
              <p>Ask an admin of {workspace.name} to add the sites you want to follow.</p>
            )}
          </EmptyState>
        ) : (
          <ul className="an-site-list">
            {sites.data.map((site) =>
              editing === site.id ? (
                <li key={site.id}>
                  <SiteForm
                    site={site}
                    onCancel={() => setEditing(null)}
                    onSave={async (input) => {
                      await actions.update.mutateAsync({ id: site.id, changes: input });
                      setEditing(null);
                      void status.track(Promise.resolve(), `Site “${input.name}” saved`);
                    }}
                  />
                </li>
              ) : (
                <li key={site.id} className="card an-site" data-site-id={site.id}>
                  <div className="an-site-head">
                    <Link href={`/w/${workspace.id}/analytics/${site.id}`} className="an-site-name">
                      {site.name}
                    </Link>
                    <span className="muted">{site.domains.join(', ')}</span>
                    {site.respect_dnt && <span className="badge">Honours Do-Not-Track</span>}
                    {site.tracks_app && <span className="badge">Tracks this app</span>}
                    {admin && (
                      <div className="rule-actions">
                        <button type="button" className="btn btn-small" onClick={() => setEditing(site.id)}>
                          Edit
                        </button>
                        <button type="button" className="btn btn-small btn-danger" onClick={() => remove(site)}>
                          Delete
                        </button>
                      </div>
                    )}
                  </div>
                  <details className="an-site-install">
                    <summary>Install snippet</summary>
                    <InstallSnippet site={site} />
                  </details>
                </li>
              ),
            )}
          </ul>
        )}
      </SettingsSection>
      {admin && (
        <>
          <SettingsSection title="New site" description="Name the site and list the host names its pages are served from.">
            <SiteForm onSave={(input) => actions.create.mutateAsync(input)} />
          </SettingsSection>
          <AnalyticsReaders workspace={workspace} />
        </>
      )}
    </SettingsPage>
  );
}

/** Admins choose which members below admin may read the analytics (admins always may). */
function AnalyticsReaders({ workspace }: { workspace: WorkspaceSummary }) {
  const members = useMembers(workspace.id);
  const grants = useAnalyticsGrants(workspace.id);
  const grant = useGrantAction(workspace.id);
  const status = useSaveStatus();
  const others = (members.data ?? []).filter((m) => !roleAtLeast(m.role, 'admin'));
  const granted = new Set(grants.data ?? []);

  const shown = usePendingValues<boolean>();
  const toggle = (userId: string, on: boolean) => void shown.during(userId, on, status.track(grant.mutateAsync({ userId, granted: on })));

  return (
    <SettingsSection title="Who can read analytics" description="Owners and admins always can. Choose the other members who may too." status={status.state}>
      {members.isPending || grants.isPending ? (
        <LoadingState label="Loading members" />
      ) : grants.isError ? (
        <ErrorState error={grants.error} onRetry={() => void grants.refetch()} />
      ) : others.length === 0 ? (
        <p className="muted">Every member is an owner or admin.</p>
      ) : (
        <ul className="an-readers">
          {others.map((m) => (
            <li key={m.user_id}>
              <label className="check-row">
                <input type="checkbox" checked={shown.show(m.user_id, granted.has(m.user_id))} onChange={(e) => toggle(m.user_id, e.target.checked)} />
                {m.name} <span className="muted">({m.role})</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </SettingsSection>
  );
}
