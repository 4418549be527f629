import { useId } from 'react';
import { SaveError, SaveStatus } from './save-status.tsx';
import type { SaveState } from './use-save-status.ts';
import '../styles/settings.css';

/**
 * A titled card of related settings: heading, optional help text, the save confirmation at the
 * heading's end and the error of a failed save above the controls. The section is a landmark
 * region named by its title, so tests and screen readers can find it.
 */
export function SettingsSection({
  title,
  description,
  status,
  actions,
  children,
}: {
  /** The heading (an h2). */
  title: string;
  /** One or two sentences on what the settings do. */
  description?: React.ReactNode;
  /** The save state of the controls inside; no confirmation when absent. */
  status?: SaveState;
  /** Buttons or links at the heading's end (e.g. "Back to notifications"). */
  actions?: React.ReactNode;
  children: React.ReactNode;
}) {
  const id = useId();
  return (
    <section className="card settings-section" aria-labelledby={id}>
      <header className="settings-section-head">
        <div className="settings-section-title">
          <h2 id={id}>{title}</h2>
          {description && <p className="muted">{description}</p>}
        </div>
        <div className="settings-section-end">
          {status && <SaveStatus state={status} />}
          {actions}
        </div>
      </header>
      {status && <SaveError state={status} />}
      <div className="settings-section-body">{children}</div>
    </section>
  );
}

/** A page of settings sections: its title, a line under it, and the sections one below another. */
export function SettingsPage({
  title,
  titleId,
  description,
  actions,
  className,
  children,
}: {
  title: React.ReactNode;
  /** The h1's id, for the page's aria-labelledby. */
  titleId: string;
  description?: React.ReactNode;
  /** Links at the end of the page head. */
  actions?: React.ReactNode;
  /** Extra classes of the page (e.g. the area's own stylesheet scope). */
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <section className={`content settings-page${className ? ` ${className}` : ''}`} aria-labelledby={titleId}>
      <div className="page-head settings-page-head">
        <div>
          <h1 id={titleId}>{title}</h1>
          {description && <p className="muted">{description}</p>}
        </div>
        {actions && <div className="settings-page-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** A label, its control and a help line under it, on one row of a settings section. */
export function SettingRow({ label, htmlFor, help, children }: { label: string; htmlFor: string; help?: React.ReactNode; children: React.ReactNode }) {
  return (
    <div className="setting-row">
      <label htmlFor={htmlFor}>{label}</label>
      <div className="setting-control">
        {children}
        {help && <p className="hint">{help}</p>}
      </div>
    </div>
  );
}
