// Load something from the API for a page, with loading and error states and a way to reload.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { get } from './api.js';

export function useResource(path) {
  const [state, setState] = useState({ data: null, error: '', loading: true });
  const reload = useCallback(async () => {
    setState((previous) => ({ ...previous, loading: true }));
    try {
      setState({ data: await get(path), error: '', loading: false });
    } catch (failure) {
      setState((previous) => ({ ...previous, error: failure.message, loading: false }));
    }
  }, [path]);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload };
}
