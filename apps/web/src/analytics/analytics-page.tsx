import { isApiError } from '../api/http.ts';
import type { WorkspaceSummary } from '../api/types.ts';
import { Link } from '../router/link.tsx';
import { EmptyState, ErrorState, LoadingState } from '../ui/states.tsx';
import { useSites } from './analytics-queries.ts';
import { SiteDashboard } from './site-dashboard.tsx';
import { SitesPage } from './sites-page.tsx';
import '../styles/operations.css';
import '../styles/analytics.css';

/**
 * Visitor analytics of a workspace: the list of its sites, or one site's dashboard. Loaded on
 * demand (with its chart library) by the app shell. The server decides who may read: admins and
 * the members an admin granted access; anyone else is told so.
 */
export function AnalyticsPage({ workspace, siteId }: { workspace: WorkspaceSummary; siteId: string | null }) {
  const sites = useSites(workspace.id);
  if (isApiError(sites.error, 'forbidden')) {
    return <EmptyState title="Analytics are for admins and members they chose">Ask an admin of {workspace.name} for access to the analytics.</EmptyState>;
  }
  if (!siteId) return <SitesPage workspace={workspace} />;
  if (sites.isPending) return <LoadingState label="Loading the site" />;
  if (sites.isError) return <ErrorState error={sites.error} onRetry={() => void sites.refetch()} />;
  const site = sites.data.find((s) => s.id === siteId);
  if (!site) {
    return (
      <EmptyState title="Site not found">
        <p>
          It may have been deleted. <Link href={`/w/${workspace.id}/analytics`}>All sites</Link>
        </p>
      </EmptyState>
    );
  }
  return <SiteDashboard key={site.id} workspace={workspace} site={site} />;
}
