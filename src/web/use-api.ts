// Loads something from the API for a page: the data, the problem if it failed, and a reload.
import { useCallback, useEffect, useState } from 'react';
import { ApiProblem } from './api-client.ts';

export interface Loaded<T> {
  data: T | undefined;
  problem: ApiProblem | undefined;
  reload(): Promise<void>;
}

export function useApi<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>();
  const [problem, setProblem] = useState<ApiProblem | undefined>();
  const run = useCallback(load, deps);
  const reload = useCallback(async () => {
    try {
      setData(await run());
      setProblem(undefined);
    } catch (error) {
      setProblem(error instanceof ApiProblem ? error : new ApiProblem(0, { detail: String(error) }));
    }
  }, [run]);
  useEffect(() => {
    setData(undefined);
    void reload();
  }, [reload]);
  return { data, problem, reload };
}

/** Calls `tick` every `ms` while `active`, e.g. to follow a job. */
export function useInterval(tick: () => void, ms: number, active: boolean): void {
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(tick, ms);
    return () => clearInterval(timer);
  }, [tick, ms, active]);
}
