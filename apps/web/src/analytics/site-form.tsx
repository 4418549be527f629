import { type AnalyticsSite, type CreateSiteInput, createSiteSchema } from '@tandem/protocol';
import { type FormEvent, useId, useState } from 'react';
import { SaveError, SaveStatus } from '../ui/save-status.tsx';
import { useSaveStatus } from '../ui/use-save-status.ts';

/** Domains as typed: separated by commas, spaces or lines. */
function parseDomains(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((d) => d.trim())
    .filter(Boolean);
}

/**
 * Creates a site or edits one (name, allowed domains, Do-Not-Track, whether it tracks this app).
 * The input is checked with the protocol's schema before it is sent, so a typo is named at once.
 */
export function SiteForm({
  site,
  onSave,
  onCancel,
}: {
  /** The site edited; a new one when absent. */
  site?: AnalyticsSite;
  onSave: (input: CreateSiteInput) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const id = useId();
  const [name, setName] = useState(site?.name ?? '');
  const [domains, setDomains] = useState(site?.domains.join(', ') ?? '');
  const [respectDnt, setRespectDnt] = useState(site?.respect_dnt ?? true);
  const [tracksApp, setTracksApp] = useState(site?.tracks_app ?? false);
  const status = useSaveStatus();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = createSiteSchema.safeParse({ name, domains: parseDomains(domains), respect_dnt: respectDnt, tracks_app: tracksApp });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      status.fail(
        issue?.path[0] === 'domains'
          ? `Domains: ${issue.message}`
          : issue?.path[0] === 'name'
            ? 'Give the site a name.'
            : (issue?.message ?? 'Check the form.'),
      );
      return;
    }
    const ok = await status.track(onSave(parsed.data), site ? 'Saved' : `Site “${parsed.data.name}” added`);
    if (ok && !site) {
      setName('');
      setDomains('');
      setTracksApp(false);
    }
  };

  return (
    <form className="card an-site-form" onSubmit={(e) => void submit(e)} aria-label={site ? `Edit ${site.name}` : 'New site'}>
      <div className="rule-form-grid">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} placeholder="Marketing site" maxLength={200} />
        <label htmlFor={`${id}-domains`}>Domains</label>
        <input id={`${id}-domains`} value={domains} onChange={(e) => setDomains(e.target.value)} placeholder="example.com, *.example.com" />
      </div>
      <p className="hint">Page views are accepted only from these host names; *.example.com also allows every subdomain.</p>
      <label className="check-row">
        <input type="checkbox" checked={respectDnt} onChange={(e) => setRespectDnt(e.target.checked)} />
        Respect Do-Not-Track and Global Privacy Control
      </label>
      <label className="check-row">
        <input type="checkbox" checked={tracksApp} onChange={(e) => setTracksApp(e.target.checked)} />
        Track this Tandem web app into this site (one site per workspace)
      </label>
      <SaveError state={status.state} />
      <div className="form-actions form-actions-start">
        <button type="submit" className="btn btn-primary" disabled={status.state.phase === 'saving'}>
          {site ? 'Save site' : 'Add site'}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel}>
            Cancel
          </button>
        )}
        <SaveStatus state={status.state} />
      </div>
    </form>
  );
}
