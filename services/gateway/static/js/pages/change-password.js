// The first sign-in with a default or reset password: nothing else opens until it is changed.
import { signOut } from '../auth.js';
import { PasswordForm } from '../components/password-form.js';
import { html } from '../html.js';
import { useDocumentTitle } from '../layout.js';
import { navigate } from '../router.js';

export function ChangePasswordPage({ user }) {
  useDocumentTitle('Choose a new password');
  return html`
    <main class="centered" id="main">
      <section class="card auth-card" aria-labelledby="change-title">
        <p class="brand-mark" aria-hidden="true">Borg Web UI</p>
        <h1 id="change-title">Choose a new password</h1>
        <p>
          Signed in as <strong>${user.username}</strong>. This password was set by someone else or is the
          default, so it must be changed before you continue.
        </p>
        <${PasswordForm} submitLabel="Change password and continue" onChanged=${() => navigate('/', { replace: true })} />
        <button type="button" class="button subtle wide" onClick=${signOut}>Sign out instead</button>
      </section>
    </main>`;
}
