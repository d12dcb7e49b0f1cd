import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiProblem, credentials, unwrap } from '../api/client';

export type Role = 'admin' | 'manager' | 'qa' | 'agent' | 'customer';

/** The signed-in person, as `POST /v1/sessions` and `GET /v1/sessions/current` describe them (issue 15). */
export interface SessionUser {
  id: string;
  name: string;
  email: string | null;
  role: Role;
  vendorId: string | null;
  customerId: string | null;
  departments: string[];
}

interface SessionAnswer {
  user: SessionUser;
  csrfToken: string;
}

type State =
  | { status: 'loading' }
  | { status: 'signedOut' }
  | { status: 'signedIn'; user: SessionUser; via: 'session' | 'apiKey' };

interface Session {
  state: State;
  signIn(email: string, password: string): Promise<void>;
  signInWithKey(key: string): Promise<void>;
  signOut(): Promise<void>;
}

export const API_KEY_STORAGE = 'pasban.apiKey';
/** Set while this browser holds a password session (the cookie itself is httpOnly): lets prefetch.ts start the first lists early. */
export const SESSION_HINT_STORAGE = 'pasban.session';
const SessionContext = createContext<Session | null>(null);

/**
 * People sign in with e-mail and password: the API sets an httpOnly, SameSite=Strict cookie and
 * answers a CSRF token that every state-changing request sends back (api/client.ts). An API key
 * (kept for this tab only) is the other way in, for machines' owners and the first start.
 */
async function sessionRequest(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && credentials.csrfToken) headers['X-CSRF-Token'] = credentials.csrfToken;
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function problemOf(response: Response): Promise<ApiProblem> {
  const problem = (await response.json().catch(() => ({}))) as ApiProblem['problem'];
  return new ApiProblem(response.status, problem);
}

async function whoHoldsKey(): Promise<SessionUser> {
  const me = await unwrap(api.GET('/v1/me'));
  return {
    id: me.user.id,
    name: me.role,
    email: null,
    role: me.role,
    vendorId: null,
    customerId: me.customerId,
    departments: [],
  };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ status: 'loading' });
  const queryClient = useQueryClient();

  useEffect(() => {
    const key = sessionStorage.getItem(API_KEY_STORAGE);
    const restore = async (): Promise<State> => {
      if (key) {
        credentials.apiKey = key;
        return { status: 'signedIn', user: await whoHoldsKey(), via: 'apiKey' };
      }
      const response = await sessionRequest('GET', '/v1/sessions/current');
      if (!response.ok) {
        localStorage.removeItem(SESSION_HINT_STORAGE);
        return { status: 'signedOut' };
      }
      const answer = (await response.json()) as SessionAnswer;
      credentials.csrfToken = answer.csrfToken;
      return { status: 'signedIn', user: answer.user, via: 'session' };
    };
    restore().then(setState, () => {
      sessionStorage.removeItem(API_KEY_STORAGE);
      credentials.apiKey = null;
      setState({ status: 'signedOut' });
    });
  }, []);

  const signIn = useCallback(async (email: string, password: string) => {
    const response = await sessionRequest('POST', '/v1/sessions', { email, password });
    if (!response.ok) throw await problemOf(response);
    const answer = (await response.json()) as SessionAnswer;
    credentials.csrfToken = answer.csrfToken;
    localStorage.setItem(SESSION_HINT_STORAGE, '1');
    setState({ status: 'signedIn', user: answer.user, via: 'session' });
  }, []);

  const signInWithKey = useCallback(async (key: string) => {
    credentials.apiKey = key;
    try {
      const user = await whoHoldsKey();
      sessionStorage.setItem(API_KEY_STORAGE, key);
      setState({ status: 'signedIn', user, via: 'apiKey' });
    } catch (error) {
      credentials.apiKey = null;
      throw error;
    }
  }, []);

  const signOut = useCallback(async () => {
    if (credentials.apiKey) {
      sessionStorage.removeItem(API_KEY_STORAGE);
      credentials.apiKey = null;
    } else {
      await sessionRequest('DELETE', '/v1/sessions/current');
      localStorage.removeItem(SESSION_HINT_STORAGE);
      credentials.csrfToken = null;
    }
    queryClient.clear();
    setState({ status: 'signedOut' });
  }, [queryClient]);

  const value = useMemo(() => ({ state, signIn, signInWithKey, signOut }), [state, signIn, signInWithKey, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user; only for pages rendered inside the signed-in layout. */
export function useUser(): SessionUser {
  const { state } = useSession();
  if (state.status !== 'signedIn') throw new Error('useUser while signed out');
  return state.user;
}
