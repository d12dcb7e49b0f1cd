import { useState, type FormEvent } from 'react';
import { ApiProblem } from '../api/client';
import { useSession } from '../auth/session';
import { useLocale } from '../i18n/locale';
import { TextField } from '../common/Field';

export function SignInPage() {
  const { signIn, signInWithKey } = useSession();
  const { t, language, setLanguage } = useLocale();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const attempt = (action: () => Promise<void>) => (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    action()
      .catch((e: unknown) => {
        setError(
          e instanceof ApiProblem && e.status === 404
            ? t.sessionsUnavailable
            : `${t.signInFailed}: ${(e as Error).message}`,
        );
      })
      .finally(() => setBusy(false));
  };
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');

  return (
    <main className="sign-in">
      <h1>{t.signInTitle}</h1>
      <button
        type="button"
        className="link"
        lang={language === 'fa' ? 'en' : 'fa'}
        onClick={() => setLanguage(language === 'fa' ? 'en' : 'fa')}
      >
        {t.switchTo}
      </button>
      <form onSubmit={attempt(() => signIn(email, password))} aria-label={t.signInWithPassword}>
        <h2>{t.signInWithPassword}</h2>
        <TextField
          label={t.email}
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={setEmail}
          dir="ltr"
        />
        <TextField
          label={t.password}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
          dir="ltr"
        />
        <button type="submit" disabled={busy}>
          {t.signIn}
        </button>
      </form>
      <form onSubmit={attempt(() => signInWithKey(apiKey.trim()))} aria-label={t.signInWithKey}>
        <h2>{t.signInWithKey}</h2>
        <TextField
          label={t.apiKey}
          type="password"
          name="apiKey"
          autoComplete="off"
          required
          value={apiKey}
          onChange={setApiKey}
          dir="ltr"
        />
        <button type="submit" disabled={busy}>
          {t.signIn}
        </button>
      </form>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="hint">{t.firstSignInHint}</p>
    </main>
  );
}
