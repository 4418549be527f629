import type { AnalyticsFilters, FunnelResult, FunnelStep } from '@tandem/protocol';
import { type FormEvent, useId, useState } from 'react';
import { errorMessage } from '../ui/states.tsx';
import { formatCount } from './analytics-labels.ts';
import { runFunnel } from './analytics-queries.ts';

/** The windows a visitor has to go through the steps, in minutes. */
const WINDOWS: readonly { readonly minutes: number; readonly label: string }[] = [
  { minutes: 30, label: '30 minutes' },
  { minutes: 60, label: '1 hour' },
  { minutes: 60 * 24, label: '1 day' },
  { minutes: 60 * 24 * 7, label: '7 days' },
  { minutes: 60 * 24 * 30, label: '30 days' },
];
const MAX_STEPS = 10;

/**
 * Builds a funnel of page and event steps, runs it over the dashboard's period and filters, and
 * draws each step as a bar of its conversion from the first step, with the drop-off from the one before.
 */
export function FunnelBuilder({
  siteId,
  from,
  to,
  filters,
  pages,
  events,
}: {
  siteId: string;
  from: string;
  to: string;
  filters: AnalyticsFilters;
  /** Suggestions for page steps (the period's top pages). */
  pages: readonly string[];
  /** Suggestions for event steps. */
  events: readonly string[];
}) {
  const id = useId();
  const [steps, setSteps] = useState<FunnelStep[]>([
    { type: 'page', value: pages[0] ?? '/' },
    { type: 'event', value: events[0] ?? '' },
  ]);
  const [windowMinutes, setWindowMinutes] = useState(60 * 24);
  const [result, setResult] = useState<FunnelResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const change = (i: number, step: Partial<FunnelStep>) => setSteps((list) => list.map((s, j) => (j === i ? { ...s, ...step } : s)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const chosen = steps.map((s) => ({ ...s, value: s.value.trim() }));
    if (chosen.some((s) => s.value === '')) {
      setError('Every step needs a page path or an event name.');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      setResult(await runFunnel({ site: siteId, from, to, steps: chosen, window_minutes: windowMinutes, filters }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card an-funnel" aria-label="Funnel">
      <h3>Funnel</h3>
      <form onSubmit={(e) => void submit(e)} className="an-funnel-form">
        <ol className="an-funnel-steps">
          {steps.map((step, i) => (
            <li key={i}>
              <select aria-label={`Step ${i + 1} kind`} value={step.type} onChange={(e) => change(i, { type: e.target.value as FunnelStep['type'] })}>
                <option value="page">Page</option>
                <option value="event">Event</option>
              </select>
              <input
                aria-label={`Step ${i + 1} ${step.type === 'page' ? 'path' : 'event name'}`}
                value={step.value}
                list={`${id}-${step.type}s`}
                placeholder={step.type === 'page' ? '/pricing' : 'signup'}
                onChange={(e) => change(i, { value: e.target.value })}
              />
              {steps.length > 2 && (
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  aria-label={`Remove step ${i + 1}`}
                  onClick={() => setSteps((list) => list.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ol>
        <datalist id={`${id}-pages`}>
          {pages.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
        <datalist id={`${id}-events`}>
          {events.map((ev) => (
            <option key={ev} value={ev} />
          ))}
        </datalist>
        <div className="an-funnel-actions">
          <button
            type="button"
            className="btn btn-small"
            disabled={steps.length >= MAX_STEPS}
            onClick={() => setSteps((list) => [...list, { type: 'page', value: '' }])}
          >
            Add step
          </button>
          <label htmlFor={`${id}-window`}>Within</label>
          <select id={`${id}-window`} value={windowMinutes} onChange={(e) => setWindowMinutes(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w.minutes} value={w.minutes}>
                {w.label}
              </option>
            ))}
          </select>
          <button type="submit" className="btn btn-primary btn-small" disabled={busy}>
            Show funnel
          </button>
        </div>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <ol className="an-funnel-result" aria-label="Funnel result">
          {result.steps.map((s, i) => (
            <li key={i} className="an-funnel-bar" data-step={i + 1} data-visitors={s.visitors}>
              <div className="an-funnel-label">
                <span>
                  {i + 1}. <span className="muted">{s.step.type === 'page' ? 'Page' : 'Event'}</span> {s.step.value}
                </span>
                <span className="num">
                  {formatCount(s.visitors)} {s.visitors === 1 ? 'visitor' : 'visitors'} · {Math.round(s.conversion * 100)} %
                  {i > 0 && <span className="muted"> · {Math.round(s.drop_off * 100)} % dropped</span>}
                </span>
              </div>
              <div className="an-funnel-track">
                <div className="an-funnel-fill" style={{ width: `${Math.max(s.conversion * 100, s.visitors > 0 ? 1 : 0)}%` }} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
