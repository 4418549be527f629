import { type FormEvent, useId, useState } from 'react';
import { api } from '../api/http.ts';
import { useLogIn } from '../api/session.ts';
import { Link } from '../router/link.tsx';
import { navigate, useLocation } from '../router/router.ts';
import { errorMessage } from '../ui/states.tsx';

/** Log-in and registration form (one page, two modes). After success goes to `?next=` or home. */
export function SignInPage({ mode }: { mode: 'login' | 'register' }) {
  const logIn = useLogIn();
  const { search } = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { email: useId(), name: useId(), password: useId(), error: useId() };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError(null);
    try {
      if (mode === 'register') await api.post('/auth/register', { email, name: String(form.get('name') ?? ''), password });
      await logIn(email, password);
      const next = search.get('next');
      navigate(next?.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="auth-page">
      <div className="auth-card">
        <h1 className="brand-large">
          <span className="brand-mark" aria-hidden="true" /> Tandem
        </h1>
        <h2>{mode === 'login' ? 'Log in to your workspace' : 'Create your account'}</h2>
        <form onSubmit={submit} aria-describedby={error ? ids.error : undefined} noValidate={false}>
          <label htmlFor={ids.email}>Email</label>
          <input id={ids.email} name="email" type="email" autoComplete="email" required />
          {mode === 'register' && (
            <>
              <label htmlFor={ids.name}>Name</label>
              <input id={ids.name} name="name" autoComplete="name" required maxLength={100} />
            </>
          )}
          <label htmlFor={ids.password}>Password</label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            required
            minLength={mode === 'register' ? 8 : undefined}
          />
          {error && (
            <p id={ids.error} className="form-error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {mode === 'login' ? 'Log in' : 'Create account'}
          </button>
        </form>
        <p className="auth-switch">
          {mode === 'login' ? (
            <>
              New here? <Link href="/register">Create an account</Link>
            </>
          ) : (
            <>
              Already have an account? <Link href="/login">Log in</Link>
            </>
          )}
        </p>
        {mode === 'login' && (
          <p className="hint">
            Demo: <code>alice@demo.tandem.dev</code> / <code>tandem-demo</code>
          </p>
        )}
      </div>
    </main>
  );
}
