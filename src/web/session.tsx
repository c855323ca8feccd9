// Who is logged in: loaded once from GET /api/v1/session, refreshed after anything that changes it.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiProblem, get, rememberCsrfToken, sessionEndedEvent } from './api-client.ts';
import type { Account, Session } from './api-types.ts';

interface SessionState {
  account: Account | null;
  loading: boolean;
  refresh(): Promise<Account | null>;
  signedIn(session: Session): void;
  signedOut(): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    try {
      const session = await get<Session>('/session');
      rememberCsrfToken(session.csrfToken);
      setAccount(session.account);
      return session.account;
    } catch (error) {
      if (!(error instanceof ApiProblem) || error.status !== 401) console.error(error);
      rememberCsrfToken(null);
      setAccount(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void refresh();
    const ended = () => void refresh();
    window.addEventListener(sessionEndedEvent, ended);
    return () => window.removeEventListener(sessionEndedEvent, ended);
  }, [refresh]);
  const signedIn = useCallback((session: Session) => {
    rememberCsrfToken(session.csrfToken);
    setAccount(session.account);
  }, []);
  const signedOut = useCallback(() => {
    rememberCsrfToken(null);
    setAccount(null);
  }, []);
  return <SessionContext.Provider value={{ account, loading, refresh, signedIn, signedOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}

/** The signed-in account; pages under <RequireAccount> may rely on it. */
export function useAccount(): Account {
  const { account } = useSession();
  if (!account) throw new Error('useAccount without an account');
  return account;
}
