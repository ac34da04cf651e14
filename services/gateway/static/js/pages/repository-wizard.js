// Add a repository in three steps: create a new one or import an existing one, say where, then
// how it is protected. The passphrase gets a strength hint and a plain warning to keep it safe.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { post } from '../api.js';
import { Alert } from '../components/alert.js';
import { Field, SelectField } from '../components/field.js';
import { PageHeader } from '../components/panel.js';
import { html } from '../html.js';
import { passphraseStrength } from '../jobs.js';
import { Link, navigate } from '../router.js';

export const ENCRYPTIONS = [
  ['repokey-blake2', 'repokey-blake2 (recommended)'],
  ['repokey', 'repokey'],
  ['keyfile-blake2', 'keyfile-blake2'],
  ['keyfile', 'keyfile'],
  ['authenticated-blake2', 'authenticated-blake2 (not encrypted)'],
  ['authenticated', 'authenticated (not encrypted)'],
  ['none', 'none (not encrypted, not authenticated)'],
];

const ENCRYPTION_HINTS = {
  'repokey-blake2': 'Encrypted; the key lives in the repository, locked by the passphrase. BLAKE2b is fast on most CPUs.',
  repokey: 'Encrypted; the key lives in the repository, locked by the passphrase. SHA-256, faster on CPUs with SHA instructions.',
  'keyfile-blake2': 'Encrypted; the key is kept on this server, not in the repository. Export it and keep a copy: without it the data is lost.',
  keyfile: 'Encrypted; the key is kept on this server, not in the repository. Export it and keep a copy: without it the data is lost.',
  'authenticated-blake2': 'Not encrypted, but tampering is detected (needs a passphrase).',
  authenticated: 'Not encrypted, but tampering is detected (needs a passphrase).',
  none: 'Anyone who can read the repository can read the backups, and changes go unnoticed.',
};

const STEPS = ['Kind', 'Location', 'Protection'];

function Steps({ current }) {
  return html`
    <ol class="steps" aria-label="Steps">
      ${STEPS.map((label, index) => html`
        <li class=${index === current ? 'current' : index < current ? 'done' : ''} aria-current=${index === current ? 'step' : undefined}>
          <span class="step-number" aria-hidden="true">${index + 1}</span> ${label}
        </li>`)}
    </ol>`;
}

function StrengthMeter({ passphrase }) {
  const strength = passphraseStrength(passphrase);
  if (!passphrase) return null;
  return html`
    <div class="strength" aria-live="polite">
      <div class=${`strength-bar s${strength.score}`} aria-hidden="true"><span></span><span></span><span></span><span></span></div>
      <span>Strength: <strong>${strength.label}</strong>${strength.score < 3 ? ' — a longer passphrase of several unrelated words is stronger.' : ''}</span>
    </div>`;
}

function KeyfileInput({ onValue, name }) {
  const [message, setMessage] = useState('');
  const read = async (event) => {
    const file = event.currentTarget.files?.[0];
    if (!file) {
      onValue(null);
      setMessage('');
      return;
    }
    const text = await file.text();
    onValue(text);
    setMessage(`${file.name} read (${text.length} characters).`);
  };
  return html`
    <div class="field">
      <label for="keyfile-input">Key file (keyfile repositories only)</label>
      <input id="keyfile-input" name=${name} type="file" aria-describedby="keyfile-hint" onChange=${read} />
      <p class="hint" id="keyfile-hint">The key file borg made for this repository (under <code>~/.config/borg/keys/</code> where it was created). Leave empty for repokey repositories.</p>
      ${message && html`<p class="hint" role="status">${message}</p>`}
    </div>`;
}

export function RepositoryWizard() {
  const [step, setStep] = useState(0);
  const [mode, setMode] = useState('create');
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const [encryption, setEncryption] = useState('repokey-blake2');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [keyfile, setKeyfile] = useState(null);
  const [stored, setStored] = useState(false);
  const action = useAction();

  const creating = mode === 'create';
  const needsPassphrase = creating && encryption !== 'none';

  const next = (event) => {
    event.preventDefault();
    setStep(step + 1);
  };
  const back = () => {
    action.setError('');
    setStep(step - 1);
  };
  const submit = async (event) => {
    event.preventDefault();
    if (needsPassphrase && passphrase !== confirm) {
      action.setError('The passphrase and its confirmation are different.');
      return;
    }
    const body = { name: name.trim(), location: location.trim() };
    if (passphrase) body.passphrase = passphrase;
    if (creating) body.encryption = encryption;
    else if (keyfile) body.keyfile = keyfile;
    const repository = await action.run(() => post(creating ? '/api/repositories' : '/api/repositories/import', body));
    if (repository) navigate(`/repositories?id=${encodeURIComponent(repository.id)}`);
  };

  return html`
    <${PageHeader} title="Add a repository">Create a new borg repository or register one that already exists.<//>
    <section class="panel wizard" aria-labelledby="wizard-title">
      <h2 id="wizard-title" class="visually-hidden">Add a repository</h2>
      <${Steps} current=${step} />
      ${step === 0 && html`
        <form onSubmit=${next} class="stack">
          <fieldset class="choice">
            <legend>What do you want to do?</legend>
            <label class="choice-option"><input type="radio" name="mode" value="create" checked=${creating} onChange=${() => setMode('create')} /> Create a new repository (<code>borg init</code>)</label>
            <label class="choice-option"><input type="radio" name="mode" value="import" checked=${!creating} onChange=${() => setMode('import')} /> Import an existing repository</label>
          </fieldset>
          <div class="actions start">
            <${Link} class="button" href="/repositories">Cancel<//>
            <button type="submit" class="button primary">Next</button>
          </div>
        </form>`}
      ${step === 1 && html`
        <form onSubmit=${next} class="stack">
          <${Field} label="Name" value=${name} onValue=${setName} name="repository-name" maxlength="100" autocomplete="off" hint="How the repository is called in this interface." required autofocus />
          <${Field} label="Path" value=${location} onValue=${setLocation} name="repository-path" autocomplete="off" spellcheck="false" autocapitalize="none"
            hint=${creating ? 'An absolute path on the server, under the folders the administrator allowed; it must not exist or be an empty folder.' : 'The absolute path of the existing repository on the server.'} required />
          <div class="actions start">
            <button type="button" class="button" onClick=${back}>Back</button>
            <button type="submit" class="button primary">Next</button>
          </div>
        </form>`}
      ${step === 2 && html`
        <form onSubmit=${submit} class="stack">
          ${creating && html`<${SelectField} label="Encryption" value=${encryption} onValue=${setEncryption} options=${ENCRYPTIONS} name="encryption" hint=${ENCRYPTION_HINTS[encryption]} />`}
          ${(needsPassphrase || !creating) && html`
            <${Field} label="Passphrase" type="password" value=${passphrase} onValue=${setPassphrase} name="passphrase" autocomplete="new-password"
              hint=${creating ? 'Borg derives the key from it. It is stored encrypted on the server and never shown again.' : 'Leave empty only if the repository is not encrypted.'} required=${needsPassphrase} />
            ${creating && html`<${StrengthMeter} passphrase=${passphrase} />`}`}
          ${needsPassphrase && html`
            <${Field} label="Confirm passphrase" type="password" value=${confirm} onValue=${setConfirm} name="passphrase-confirm" autocomplete="new-password" required />
            <${Alert} kind="warning">
              <strong>Store this passphrase somewhere safe</strong>, such as a password manager, away from this server.
              Without it${encryption.startsWith('keyfile') ? ' and the key file' : ''} nobody can read these backups, and it cannot be recovered.
            <//>
            <label class="choice-option"><input type="checkbox" checked=${stored} onChange=${(event) => setStored(event.currentTarget.checked)} required /> I have stored the passphrase safely</label>`}
          ${!creating && html`<${KeyfileInput} onValue=${setKeyfile} name="keyfile" />`}
          ${action.error && html`<${Alert} kind="error">${action.error}<//>`}
          <div class="actions start">
            <button type="button" class="button" onClick=${back} disabled=${action.busy}>Back</button>
            <button type="submit" class="button primary" disabled=${action.busy}>
              ${action.busy ? (creating ? 'Creating…' : 'Importing…') : creating ? 'Create repository' : 'Import repository'}
            </button>
          </div>
        </form>`}
    </section>`;
}
