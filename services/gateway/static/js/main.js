// Start the app: apply the theme, find out who is signed in, then show the right page.
import { render } from 'preact';
import { startSession } from './auth.js';
import { Refused } from './components/panel.js';
import { html } from './html.js';
import { Layout } from './layout.js';
import { PAGES } from './pages.js';
import { ChangePasswordPage } from './pages/change-password.js';
import { LoginPage } from './pages/login.js';
import { NotFoundPage } from './pages/not-found.js';
import { Redirect, safeNext, useLocation } from './router.js';
import { hasRole, useSession } from './session.js';
import { applyTheme, storedTheme } from './theme.js';

function Booting({ error }) {
  if (!error) return html`<p class="boot" role="status">Loading Borg Web UI…</p>`;
  return html`
    <div class="boot" role="alert">
      <p>Borg Web UI could not start: ${error}</p>
      <button type="button" class="button primary" onClick=${startSession}>Try again</button>
    </div>`;
}

function App() {
  const session = useSession();
  const { path, query } = useLocation();
  const { user } = session;

  if (!session.ready) return html`<${Booting} error=${session.bootError} />`;

  if (!user) {
    if (path !== '/login') return html`<${Redirect} to=${`/login?next=${encodeURIComponent(path)}`} />`;
    return html`<${LoginPage} config=${session.config} next=${safeNext(query.get('next'))} />`;
  }
  if (user.must_change_password) {
    if (path !== '/change-password') return html`<${Redirect} to="/change-password" />`;
    return html`<${ChangePasswordPage} user=${user} />`;
  }
  if (path === '/login' || path === '/change-password') return html`<${Redirect} to=${safeNext(query.get('next'))} />`;

  const page = PAGES.find((candidate) => candidate.path === path);
  if (!page) return html`<${Layout} user=${user} path=${path} title="Not found"><${NotFoundPage} path=${path} /><//>`;
  const body = hasRole(user.role, page.role)
    ? html`<${page.component} user=${user} />`
    : html`<${Refused} title=${page.title} role=${page.role} user=${user} />`;
  return html`<${Layout} user=${user} path=${path} title=${page.title}>${body}<//>`;
}

applyTheme(storedTheme());
render(html`<${App} />`, document.getElementById('app'));
startSession();
