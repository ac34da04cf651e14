// Sign in; or, behind an authenticating proxy, explain why nobody is signed in.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { loadUser, signIn } from '../auth.js';
import { Alert } from '../components/alert.js';
import { Field } from '../components/field.js';
import { html } from '../html.js';
import { useDocumentTitle } from '../layout.js';
import { navigate } from '../router.js';

function ProxySignIn() {
  const { error, setError, run } = useAction();
  const retry = () => run(async () => {
    if (!(await loadUser())) setError('Your proxy still did not say who you are.');
  });
  return html`
    <p>
      Sign-in is handled by the proxy in front of Borg Web UI, and it did not say who you are.
      Open this page through the proxy, or ask the administrator to check its configuration.
    </p>
    ${error && html`<${Alert} kind="error">${error}<//>`}
    <button type="button" class="button primary" onClick=${retry}>Try again</button>`;
}

function PasswordSignIn({ next }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const user = await signIn(username.trim(), password);
      navigate(user?.must_change_password ? '/change-password' : next, { replace: true });
    });
  };

  return html`
    <form onSubmit=${submit} class="stack">
      ${error && html`<${Alert} kind="error">${error}<//>`}
      <${Field} label="Username" value=${username} onValue=${setUsername} name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus />
      <${Field} label="Password" type="password" value=${password} onValue=${setPassword} name="password" autocomplete="current-password" required />
      <button type="submit" class="button primary wide" disabled=${busy}>${busy ? 'Signing in…' : 'Sign in'}</button>
    </form>`;
}

export function LoginPage({ config, next }) {
  useDocumentTitle('Sign in');
  return html`
    <main class="centered" id="main">
      <section class="card auth-card" aria-labelledby="login-title">
        <p class="brand-mark" aria-hidden="true">Borg Web UI</p>
        <h1 id="login-title">Sign in</h1>
        ${config?.authentication_disabled ? html`<${ProxySignIn} />` : html`<${PasswordSignIn} next=${next} />`}
      </section>
    </main>`;
}
