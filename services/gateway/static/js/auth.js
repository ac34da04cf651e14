// Sign-in flows: what the app does at start, at login, at a password change and at logout.
import { get, post, token } from './api.js';
import { navigate } from './router.js';
import { updateSession } from './session.js';

/** At start: learn how the server authenticates, then who we are (if anyone). */
export async function startSession() {
  try {
    const config = await get('/api/auth/config', { handleAuth: false });
    updateSession({ config });
    if (config.authentication_disabled || token.get()) await loadUser();
    updateSession({ ready: true, bootError: null });
  } catch (error) {
    updateSession({ bootError: error.message });
  }
}

/** Ask who we are; a 401 means nobody (an ended token is dropped). */
export async function loadUser() {
  try {
    const user = await get('/api/auth/me', { handleAuth: false });
    updateSession({ user });
    return user;
  } catch (error) {
    if (error.status !== 401) throw error;
    token.clear();
    updateSession({ user: null });
    return null;
  }
}

export async function signIn(username, password) {
  const reply = await post('/api/auth/login', { username, password }, { handleAuth: false });
  token.set(reply.access_token);
  return loadUser();
}

/** Change our own password; the server ends earlier tokens and hands back a fresh one. */
export async function changePassword(currentPassword, newPassword) {
  const reply = await post(
    '/api/auth/change-password',
    { current_password: currentPassword, new_password: newPassword },
    { handleAuth: false },
  );
  token.set(reply.access_token);
  return loadUser();
}

export async function signOut() {
  try {
    await post('/api/auth/logout', undefined, { handleAuth: false });
  } catch {
    // The token is dropped below either way; an unreachable server must not keep anyone signed in here.
  }
  token.clear();
  updateSession({ user: null });
  navigate('/login', { replace: true });
}
