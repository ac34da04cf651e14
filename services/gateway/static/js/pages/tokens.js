// Personal API tokens for scripts: create (the secret is shown once), list, revoke.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { del, post } from '../api.js';
import { Alert } from '../components/alert.js';
import { ConfirmDialog } from '../components/dialog.js';
import { Field } from '../components/field.js';
import { PageHeader } from '../components/panel.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { useResource } from '../resource.js';

function NewToken({ created, onDismiss }) {
  const [copied, setCopied] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('Copied to the clipboard.');
    } catch {
      setCopied('Copying is not allowed here; select the token and copy it by hand.');
    }
  };
  return html`
    <section class="panel highlight" aria-labelledby="new-token-title">
      <h2 id="new-token-title">Token “${created.name}” created</h2>
      <${Alert} kind="warning">
        Copy it now: this is the only time it is shown. It acts with your role until it expires or is revoked.
      <//>
      <div class="secret-row">
        <label class="visually-hidden" for="new-token-value">New API token</label>
        <input id="new-token-value" class="secret" readonly value=${created.token} onFocus=${(event) => event.currentTarget.select()} />
        <button type="button" class="button primary" onClick=${copy}>Copy</button>
      </div>
      ${copied && html`<p class="muted" role="status">${copied}</p>`}
      <p class="muted">Use it as <code>Authorization: Bearer <var>token</var></code>.</p>
      <button type="button" class="button" onClick=${onDismiss}>I have saved it</button>
    </section>`;
}

function CreateToken({ onCreated }) {
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    const body = { name: name.trim() };
    if (days.trim()) body.expires_in_days = Number(days);
    run(async () => {
      const created = await post('/api/tokens', body);
      setName('');
      setDays('');
      onCreated(created);
    });
  };
  return html`
    <section class="panel" aria-labelledby="create-token-title">
      <h2 id="create-token-title">Create a token</h2>
      <form onSubmit=${submit} class="stack">
        ${error && html`<${Alert} kind="error">${error}<//>`}
        <div class="row">
          <${Field} label="Name" value=${name} onValue=${setName} name="token-name" autocomplete="off" hint="What the token is for, e.g. “nightly export script”." maxlength="100" required />
          <${Field} label="Expires after (days)" type="number" value=${days} onValue=${setDays} name="token-days" min="1" max="3650" step="1" inputmode="numeric" hint="Leave empty for a token that does not expire." />
        </div>
        <div class="actions start">
          <button type="submit" class="button primary" disabled=${busy}>${busy ? 'Creating…' : 'Create token'}</button>
        </div>
      </form>
    </section>`;
}

function RevokeToken({ token, onClose, onDone }) {
  const { busy, error, run } = useAction();
  const confirm = () => run(async () => {
    await del(`/api/tokens/${encodeURIComponent(token.id)}`);
    onDone(`The token “${token.name}” was revoked.`);
  });
  return html`
    <${ConfirmDialog} open=${true} title=${`Revoke “${token.name}”?`} confirmLabel="Revoke token" busy=${busy} error=${error} onConfirm=${confirm} onClose=${onClose}>
      <p>Scripts using the token <code>${token.prefix}…</code> stop working at once. This cannot be undone.</p>
    <//>`;
}

export function TokensPage() {
  const tokens = useResource('/api/tokens');
  const [created, setCreated] = useState(null);
  const [notice, setNotice] = useState('');
  const [revoking, setRevoking] = useState(null);

  const onCreated = (token) => {
    setNotice('');
    setCreated(token);
    tokens.reload();
  };
  const onRevoked = (message) => {
    setRevoking(null);
    setNotice(message);
    tokens.reload();
  };

  return html`
    <${PageHeader} title="API tokens">Personal tokens let scripts use the API with your role.<//>
    ${notice && html`<${Alert} kind="success">${notice}<//>`}
    ${created && html`<${NewToken} created=${created} onDismiss=${() => setCreated(null)} />`}
    <${CreateToken} onCreated=${onCreated} />
    <section class="panel" aria-labelledby="tokens-title" aria-busy=${tokens.loading ? 'true' : 'false'}>
      <h2 id="tokens-title">Your tokens</h2>
      ${tokens.error && html`<${Alert} kind="error">${tokens.error}<//>`}
      ${tokens.data?.length === 0 && html`<p class="muted">You have no API tokens.</p>`}
      ${tokens.data?.length > 0 && html`
        <div class="table-wrap">
          <table class="table responsive">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              ${tokens.data.map((token) => html`
                <tr key=${token.id}>
                  <th scope="row" data-label="Name">${token.name}</th>
                  <td data-label="Prefix"><code>${token.prefix}…</code></td>
                  <td data-label="Created" class="nowrap">${formatDate(token.created_at)}</td>
                  <td data-label="Expires" class="nowrap">${token.expires_at ? formatDate(token.expires_at) : 'Never'}</td>
                  <td data-label="Last used" class="nowrap">${token.last_used_at ? formatDate(token.last_used_at) : 'Never'}</td>
                  <td class="row-actions">
                    <button type="button" class="button small danger" onClick=${() => setRevoking(token)}>
                      Revoke<span class="visually-hidden"> ${token.name}</span>
                    </button>
                  </td>
                </tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>
    ${revoking && html`<${RevokeToken} token=${revoking} onClose=${() => setRevoking(null)} onDone=${onRevoked} />`}`;
}
