// Your account: who you are, your password, and how the app looks.
import { PageHeader } from '../components/panel.js';
import { PasswordForm } from '../components/password-form.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { setTheme, THEMES, useTheme } from '../theme.js';

const THEME_LABELS = { auto: 'Follow the system', light: 'Light', dark: 'Dark' };
const SOURCE_LABELS = { local: 'Password', proxy: 'Authenticating proxy', token: 'API token' };

function ThemeChoice() {
  const theme = useTheme();
  return html`
    <fieldset class="choice">
      <legend>Theme</legend>
      ${THEMES.map((value) => html`
        <label class="choice-option">
          <input type="radio" name="theme" value=${value} checked=${theme === value} onChange=${() => setTheme(value)} />
          ${THEME_LABELS[value]}
        </label>`)}
    </fieldset>`;
}

export function ProfilePage({ user }) {
  return html`
    <${PageHeader} title="Profile">Your account and how Borg Web UI looks for you.<//>
    <div class="grid">
      <section class="panel" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        <dl class="facts">
          <dt>Username</dt><dd>${user.username}</dd>
          <dt>Role</dt><dd><span class="badge">${user.role}</span></dd>
          <dt>Signed in with</dt><dd>${SOURCE_LABELS[user.auth_source] ?? user.auth_source}</dd>
          <dt>Created</dt><dd>${formatDate(user.created_at)}</dd>
          <dt>Last sign-in</dt><dd>${formatDate(user.last_login_at)}</dd>
        </dl>
      </section>
      <section class="panel" aria-labelledby="appearance-title">
        <h2 id="appearance-title">Appearance</h2>
        <p class="muted">Stored in this browser only.</p>
        <${ThemeChoice} />
      </section>
      <section class="panel" aria-labelledby="password-title">
        <h2 id="password-title">Password</h2>
        ${user.auth_source === 'proxy'
          ? html`<p>Your sign-in is handled by the authenticating proxy; change your password there.</p>`
          : html`<${PasswordForm} />`}
      </section>
    </div>`;
}
