import type { AnalyticsSite } from '@tandem/protocol';
import { useEffect, useState } from 'react';

/** The script tag a site's pages load, pointing at this server. */
export function snippetFor(site: Pick<AnalyticsSite, 'site_key'>, origin = window.location.origin): string {
  return `<script async src="${origin}/t.js" data-site="${site.site_key}"></script>`;
}

/** A line of code with a copy button that says when it copied. */
function CopyableCode({ code, label }: { code: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  useEffect(() => {
    if (!copied) return undefined;
    const timer = setTimeout(() => setCopied(null), 2_000);
    return () => clearTimeout(timer);
  }, [copied]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied('yes');
    } catch {
      // Without clipboard permission (or outside a secure context) the reader selects it by hand.
      setCopied('failed');
    }
  };
  return (
    <div className="an-code">
      <code title={label}>{code}</code>
      <button type="button" className="btn btn-small" onClick={() => void copy()}>
        {copied === 'yes' ? 'Copied' : 'Copy'}
      </button>
      <span className="visually-hidden" role="status">
        {copied === 'yes' ? 'Copied to the clipboard' : copied === 'failed' ? 'Could not copy; select the text instead' : ''}
      </span>
    </div>
  );
}

/** How to install the snippet on a site, with copy buttons. */
export function InstallSnippet({ site }: { site: AnalyticsSite }) {
  return (
    <div className="an-install">
      <p>
        Add this tag to the <code>&lt;head&gt;</code> of every page of {site.domains.join(', ')}:
      </p>
      <CopyableCode code={snippetFor(site)} label="Tracking snippet" />
      <p className="muted">It counts page views (also the navigations of a single-page app) without cookies. Record custom events from your own scripts:</p>
      <CopyableCode code="tandem.track('signup', { plan: 'pro' })" label="Custom event call" />
    </div>
  );
}
