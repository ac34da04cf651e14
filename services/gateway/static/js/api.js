// The one way the UI talks to the server: keeps the token, sends it, and turns error bodies into
// messages a person can act on.
import { navigate } from './router.js';
import { getSession, updateSession } from './session.js';

const TOKEN_KEY = 'borgui.token';

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY),
  set: (value) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const FALLBACK = {
  0: 'The server cannot be reached. Check the connection and try again.',
  401: 'You are not signed in, or your session has ended.',
  403: 'You are not allowed to do this.',
  404: 'This was not found.',
  409: 'This conflicts with the current state.',
  429: 'Too many attempts.',
  500: 'Something went wrong on the server; its log has the details.',
  502: 'The server is not answering right now. Try again in a moment.',
  503: 'A service is not available right now. Try again in a moment.',
  504: 'The server took too long to answer. Try again in a moment.',
};

/** The API's message as a sentence. Its first letter stays as sent: it may be a username. */
function sentence(text) {
  if (typeof text !== 'string' || !text.trim()) return '';
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Readable text for a failed response: the API's own message when it sent one. */
export function errorMessage(status, body, retryAfter) {
  let message = sentence(body?.error?.message) || FALLBACK[status] || `The request failed (HTTP ${status}).`;
  const seconds = Number.parseInt(retryAfter ?? '', 10);
  if (status === 429 && seconds > 0) {
    const wait = seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
    message += ` Try again in ${wait}.`;
  }
  return message;
}

function signedOut() {
  token.clear();
  updateSession({ user: null });
  if (location.pathname !== '/login') {
    navigate(`/login?next=${encodeURIComponent(location.pathname + location.search)}`, { replace: true });
  }
}

async function readBody(response) {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * Call the API. Resolves with the decoded body; rejects with an ApiError.
 * `handleAuth: false` keeps a 401 on the page that asked (a wrong password is not a lost session).
 */
export async function request(method, path, { body, handleAuth = true } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = token.get();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', FALLBACK[0]);
  }
  const data = await readBody(response);
  if (response.ok) return data;
  const error = new ApiError(response.status, data?.error?.code ?? 'http', errorMessage(response.status, data, response.headers.get('Retry-After')));
  if (handleAuth && error.status === 401) signedOut();
  if (error.status === 403 && error.code === 'password_change_required') {
    const { user } = getSession();
    if (user) updateSession({ user: { ...user, must_change_password: true } });
    navigate('/change-password', { replace: true });
  }
  throw error;
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options) => request('POST', path, { ...options, body });
export const patch = (path, body, options) => request('PATCH', path, { ...options, body });
export const del = (path, options) => request('DELETE', path, options);
