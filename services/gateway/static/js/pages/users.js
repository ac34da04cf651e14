// Administrators manage accounts: create, change role, disable or enable, reset password, delete.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { del, patch, post } from '../api.js';
import { Alert } from '../components/alert.js';
import { ConfirmDialog, Dialog } from '../components/dialog.js';
import { Field, SelectField } from '../components/field.js';
import { PageHeader } from '../components/panel.js';
import { PASSWORD_RULES } from '../components/password-form.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { useResource } from '../resource.js';

const ROLES = [
  ['viewer', 'Viewer'],
  ['operator', 'Operator'],
  ['admin', 'Admin'],
];
const ROLE_HINT = 'Viewers see everything and change nothing; operators run and manage backups; admins also manage users.';

function userPath(username) {
  return `/api/users/${encodeURIComponent(username)}`;
}

function CreateUser({ onCreated }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState('viewer');
  const { busy, error, run } = useAction();

  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const user = await post('/api/users', { username: username.trim(), password, role });
      setUsername('');
      setPassword('');
      setRole('viewer');
      onCreated(user);
    });
  };

  return html`
    <section class="panel" aria-labelledby="create-user-title">
      <h2 id="create-user-title">Add a user</h2>
      <form onSubmit=${submit} class="stack">
        ${error && html`<${Alert} kind="error">${error}<//>`}
        <div class="row">
          <${Field} label="Username" value=${username} onValue=${setUsername} name="new-username" autocomplete="off" autocapitalize="none" spellcheck="false" maxlength="64" pattern="[A-Za-z0-9._@\\-]+" hint="Letters, digits and . _ @ -" required />
          <${Field} label="Initial password" type="password" value=${password} onValue=${setPassword} name="new-user-password" autocomplete="new-password" hint="Tell them privately; they can change it on their profile page." required />
          <${SelectField} label="Role" value=${role} onValue=${setRole} options=${ROLES} name="new-user-role" hint=${ROLE_HINT} />
        </div>
        <div class="actions start">
          <button type="submit" class="button primary" disabled=${busy}>${busy ? 'Adding…' : 'Add user'}</button>
        </div>
      </form>
    </section>`;
}

function ResetPassword({ user, onClose, onDone }) {
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      await post(`${userPath(user.username)}/reset-password`, { new_password: password });
      onDone(`The password of ${user.username} was reset; they must change it at next sign-in.`);
    });
  };
  return html`
    <${Dialog} open=${true} title=${`Reset the password of ${user.username}`} onClose=${onClose}>
      <form onSubmit=${submit} class="stack">
        <p>Their sessions end now, and they must choose a new password when they sign in with this one.</p>
        ${error && html`<${Alert} kind="error">${error}<//>`}
        <${Field} label="New password" type="password" value=${password} onValue=${setPassword} autocomplete="new-password" hint=${PASSWORD_RULES} required autofocus />
        <div class="actions">
          <button type="button" class="button" onClick=${onClose}>Cancel</button>
          <button type="submit" class="button primary" disabled=${busy}>${busy ? 'Saving…' : 'Reset password'}</button>
        </div>
      </form>
    <//>`;
}

function DeleteUser({ user, onClose, onDone }) {
  const { busy, error, run } = useAction();
  const confirm = () => run(async () => {
    await del(userPath(user.username));
    onDone(`${user.username} was deleted.`);
  });
  return html`
    <${ConfirmDialog} open=${true} title=${`Delete ${user.username}?`} confirmLabel="Delete user" busy=${busy} error=${error} onConfirm=${confirm} onClose=${onClose}>
      <p>The account and its API tokens are removed and its sessions end. This cannot be undone.</p>
    <//>`;
}

function UserRow({ user, self, onChange, onError, onReset, onDelete }) {
  const [busy, setBusy] = useState(false);
  const update = async (change, done) => {
    setBusy(true);
    try {
      await patch(userPath(user.username), change);
      onChange(done);
    } catch (failure) {
      onError(failure.message);
    } finally {
      setBusy(false);
    }
  };
  const status = user.disabled ? 'Disabled' : user.must_change_password ? 'Must change password' : 'Active';
  return html`
    <tr class=${user.disabled ? 'disabled' : ''}>
      <th scope="row" data-label="User">
        <span>
          ${user.username}${self && html` <span class="muted">(you)</span>`}
          ${user.auth_source === 'proxy' && html` <span class="badge quiet" title="Signs in through the authenticating proxy">proxy</span>`}
        </span>
      </th>
      <td data-label="Role">
        <select
          aria-label=${`Role of ${user.username}`}
          value=${user.role}
          disabled=${busy}
          onChange=${(event) => update({ role: event.currentTarget.value }, `${user.username} is now ${event.currentTarget.value}.`)}
        >
          ${ROLES.map(([value]) => html`<option value=${value}>${value}</option>`)}
        </select>
      </td>
      <td data-label="Status">${status}</td>
      <td data-label="Created" class="nowrap">${formatDate(user.created_at)}</td>
      <td data-label="Last sign-in" class="nowrap">${formatDate(user.last_login_at)}</td>
      <td class="row-actions"><div class="row-buttons">
        <button type="button" class="button small" disabled=${busy}
          onClick=${() => update({ disabled: !user.disabled }, `${user.username} was ${user.disabled ? 'enabled' : 'disabled'}.`)}>
          ${user.disabled ? 'Enable' : 'Disable'}<span class="visually-hidden"> ${user.username}</span>
        </button>
        ${user.auth_source !== 'proxy' && html`
          <button type="button" class="button small" onClick=${() => onReset(user)}>
            Reset password<span class="visually-hidden"> of ${user.username}</span>
          </button>`}
        <button type="button" class="button small danger" onClick=${() => onDelete(user)}>
          Delete<span class="visually-hidden"> ${user.username}</span>
        </button>
      </div></td>
    </tr>`;
}

export function UsersPage({ user: me }) {
  const users = useResource('/api/users');
  const [notice, setNotice] = useState(null);
  const [dialog, setDialog] = useState(null);

  const done = (message) => {
    setDialog(null);
    setNotice({ kind: 'success', message });
    users.reload();
  };
  const failed = (message) => {
    setNotice({ kind: 'error', message });
    users.reload();
  };

  return html`
    <${PageHeader} title="Users">Who may sign in, and what each person may do.<//>
    ${notice && html`<${Alert} kind=${notice.kind}>${notice.message}<//>`}
    <${CreateUser} onCreated=${(created) => done(`${created.username} was added as ${created.role}.`)} />
    <section class="panel" aria-labelledby="users-title" aria-busy=${users.loading ? 'true' : 'false'}>
      <h2 id="users-title">Accounts</h2>
      ${users.error && html`<${Alert} kind="error">${users.error}<//>`}
      ${users.data && html`
        <div class="table-wrap">
          <table class="table responsive">
            <thead>
              <tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Last sign-in</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              ${users.data.map((user) => html`
                <${UserRow}
                  key=${user.username}
                  user=${user}
                  self=${user.username === me.username}
                  onChange=${done}
                  onError=${failed}
                  onReset=${(target) => setDialog({ kind: 'reset', user: target })}
                  onDelete=${(target) => setDialog({ kind: 'delete', user: target })}
                />`)}
            </tbody>
          </table>
        </div>`}
    </section>
    ${dialog?.kind === 'reset' && html`<${ResetPassword} user=${dialog.user} onClose=${() => setDialog(null)} onDone=${done} />`}
    ${dialog?.kind === 'delete' && html`<${DeleteUser} user=${dialog.user} onClose=${() => setDialog(null)} onDone=${done} />`}`;
}
