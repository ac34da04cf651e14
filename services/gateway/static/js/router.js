// History-based routing: the gateway answers every non-/api path with index.html, so real paths
// survive a reload and can be bookmarked.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';

const listeners = new Set();

function snapshot() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

function notify() {
  for (const listener of listeners) listener(snapshot());
}

addEventListener('popstate', notify);

/** Go to `to` (a path, optionally with a query) without reloading the page. */
export function navigate(to, { replace = false } = {}) {
  const url = new URL(to, location.origin);
  const target = url.pathname + url.search + url.hash;
  if (target !== location.pathname + location.search + location.hash) {
    history[replace ? 'replaceState' : 'pushState'](null, '', target);
  }
  notify();
}

/** The current path and query; re-renders the caller when either changes. */
export function useLocation() {
  const [location, setLocation] = useState(snapshot);
  useEffect(() => {
    listeners.add(setLocation);
    return () => listeners.delete(setLocation);
  }, []);
  return location;
}

/**
 * Match `path` against `pattern` ("/archives/:repo"); returns the named parts or null.
 * Pure, so pages with parameters need no other machinery.
 */
export function matchPath(pattern, path) {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** Only a path inside this app is a safe place to return to after sign-in. */
export function safeNext(next) {
  const local = typeof next === 'string' && /^\/(?![\/\\])/.test(next);
  return local && !next.startsWith('/login') ? next : '/';
}

/** An ordinary link that changes pages without a reload; modified clicks still open new tabs. */
export function Link({ href, children, onNavigate, ...attrs }) {
  const onClick = (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
    onNavigate?.();
  };
  return html`<a href=${href} ...${attrs} onClick=${onClick}>${children}</a>`;
}

/** Replace the address with `to` once rendered (for redirects decided during render). */
export function Redirect({ to }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
