// Who is signed in and how the server authenticates, shared by every component.
import { useEffect, useState } from 'preact/hooks';

let state = { ready: false, config: null, user: null, bootError: null };
const listeners = new Set();

export function getSession() {
  return state;
}

export function updateSession(patch) {
  state = { ...state, ...patch };
  for (const listener of listeners) listener(state);
}

/** The session; re-renders the caller when it changes. */
export function useSession() {
  const [current, setCurrent] = useState(state);
  useEffect(() => {
    listeners.add(setCurrent);
    setCurrent(state);
    return () => listeners.delete(setCurrent);
  }, []);
  return current;
}

const RANK = { viewer: 1, operator: 2, admin: 3 };

/** Whether `role` includes everything `needed` may do (viewer < operator < admin). */
export function hasRole(role, needed) {
  return (RANK[role] ?? 0) >= (RANK[needed] ?? Infinity);
}
