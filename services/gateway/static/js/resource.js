// Load something from the API for a page, with loading and error states and a way to reload.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get } from './api.js';

export function useResource(path) {
  const [state, setState] = useState({ data: null, error: '', loading: true });
  // Only the latest request may set the state: an earlier one (another path, or a reload burst)
  // can answer after it.
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const ask = ++latest.current;
    setState((previous) => ({ ...previous, loading: true }));
    try {
      const data = await get(path);
      if (ask === latest.current) setState({ data, error: '', loading: false });
    } catch (failure) {
      if (ask === latest.current) setState((previous) => ({ ...previous, error: failure.message, loading: false }));
    }
  }, [path]);
  useEffect(() => {
    reload();
  }, [reload]);
  return { ...state, reload };
}
