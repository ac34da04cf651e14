// The busy flag and error message every button that calls the API needs.
import { useCallback, useState } from 'preact/hooks';

/** `run(fn)` sets busy, clears the error, awaits fn and keeps its error message; resolves to fn's result or undefined. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const run = useCallback(async (fn) => {
    setBusy(true);
    setError('');
    try {
      return await fn();
    } catch (failure) {
      setError(failure.message);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}
