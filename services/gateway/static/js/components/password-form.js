// Change one's own password: current, new and a confirmation; the server's rule message is shown
// as it is, since it names the rule that failed.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { changePassword } from '../auth.js';
import { html } from '../html.js';
import { Alert } from './alert.js';
import { Field } from './field.js';

export const PASSWORD_RULES = 'At least 8 characters, not your username, and not the default password.';

export function PasswordForm({ onChanged, submitLabel = 'Change password' }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAction();

  const submit = (event) => {
    event.preventDefault();
    setDone(false);
    if (next !== confirm) {
      setError('The new password and its confirmation are different.');
      return;
    }
    run(async () => {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      onChanged?.();
    });
  };

  return html`
    <form onSubmit=${submit} class="stack">
      ${error && html`<${Alert} kind="error">${error}<//>`}
      ${done && html`<${Alert} kind="success">Your password was changed. Other sessions were signed out.<//>`}
      <${Field} label="Current password" type="password" value=${current} onValue=${setCurrent} name="current_password" autocomplete="current-password" required />
      <${Field} label="New password" type="password" value=${next} onValue=${setNext} name="new_password" autocomplete="new-password" hint=${PASSWORD_RULES} required />
      <${Field} label="Confirm new password" type="password" value=${confirm} onValue=${setConfirm} name="confirm_password" autocomplete="new-password" required />
      <div class="actions start">
        <button type="submit" class="button primary" disabled=${busy}>${busy ? 'Saving…' : submitLabel}</button>
      </div>
    </form>`;
}
