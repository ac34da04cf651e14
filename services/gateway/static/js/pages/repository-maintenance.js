// Maintenance of one repository: prune (preview first), compact, check, break a lock, export the
// key, rename, remove. Every borg run is a job followed in place.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { del, get, patch, post } from '../api.js';
import { Alert } from '../components/alert.js';
import { ConfirmDialog, Dialog } from '../components/dialog.js';
import { Field } from '../components/field.js';
import { Checkbox } from '../components/inputs.js';
import { JobMonitor } from '../components/job-monitor.js';
import { download } from '../download.js';
import { html } from '../html.js';
import { navigate } from '../router.js';
import { hasRole } from '../session.js';

const KEY_EXPORT_MODES = new Set(['repokey', 'repokey-blake2', 'keyfile', 'keyfile-blake2']);

const KEEP_FIELDS = [
  ['keep_hourly', 'Keep hourly'],
  ['keep_daily', 'Keep daily'],
  ['keep_weekly', 'Keep weekly'],
  ['keep_monthly', 'Keep monthly'],
  ['keep_yearly', 'Keep yearly'],
];

function jobPath(repository, verb) {
  return `/api/repositories/${encodeURIComponent(repository.id)}/${verb}`;
}

/** The prune rules as the API wants them: numbers for counts, empty fields left out. */
export function pruneRules(form) {
  const rules = {};
  if (form.keep_within?.trim()) rules.keep_within = form.keep_within.trim();
  for (const [key] of KEEP_FIELDS) {
    const value = String(form[key] ?? '').trim();
    if (value) rules[key] = Number(value);
  }
  return rules;
}

function PruneResult({ job }) {
  const { pruned = [], kept = [] } = job.result ?? {};
  return html`
    <div class="prune-result">
      <p><strong>${pruned.length}</strong> ${pruned.length === 1 ? 'archive' : 'archives'} would be deleted, <strong>${kept.length}</strong> kept.</p>
      ${pruned.length > 0 && html`<details open><summary>Would be deleted</summary><ul class="archive-list">${pruned.map((name) => html`<li><code>${name}</code></li>`)}</ul></details>`}
      ${kept.length > 0 && html`<details><summary>Kept</summary><ul class="archive-list">${kept.map((name) => html`<li><code>${name}</code></li>`)}</ul></details>`}
    </div>`;
}

function Prune({ repository, user }) {
  const [form, setForm] = useState({ keep_within: '', keep_hourly: '', keep_daily: '7', keep_weekly: '4', keep_monthly: '6', keep_yearly: '' });
  const [preview, setPreview] = useState(null);
  const [previewJob, setPreviewJob] = useState(null);
  const [realJob, setRealJob] = useState(null);
  const [confirming, setConfirming] = useState(false);
  const action = useAction();
  const set = (key) => (value) => {
    setForm({ ...form, [key]: value });
    setPreview(null);
    setPreviewJob(null);
  };
  const start = (dryRun) => action.run(async () => {
    const { job_id: jobId } = await post(jobPath(repository, 'prune'), { ...pruneRules(form), dry_run: dryRun });
    if (dryRun) {
      setPreview(null);
      setPreviewJob(jobId);
    } else {
      setConfirming(false);
      setRealJob(jobId);
    }
  });
  const submit = (event) => {
    event.preventDefault();
    start(true);
  };
  const count = preview?.result?.pruned?.length ?? 0;
  return html`
    <section class="panel" aria-labelledby="prune-title">
      <h2 id="prune-title">Prune</h2>
      <p class="muted">Delete archives the keep rules do not need. Preview first: nothing is deleted until you confirm.</p>
      <form class="stack" onSubmit=${submit}>
        <div class="row compact-fields">
          <${Field} label="Keep within" value=${form.keep_within} onValue=${set('keep_within')} name="keep_within" placeholder="e.g. 2d" hint="Everything newer than this (H, d, w, m, y)." />
          ${KEEP_FIELDS.map(([key, label]) => html`<${Field} label=${label} type="number" min="0" step="1" inputmode="numeric" value=${form[key]} onValue=${set(key)} name=${key} />`)}
        </div>
        ${action.error && !confirming && html`<${Alert} kind="error">${action.error}<//>`}
        <div class="actions start">
          <button type="submit" class="button" disabled=${action.busy}>Preview what would be deleted</button>
        </div>
      </form>
      ${previewJob && html`<${JobMonitor} key=${previewJob} jobId=${previewJob} user=${user} title="Prune preview" onFinished=${setPreview} />`}
      ${preview && preview.status === 'succeeded' && html`
        <${PruneResult} job=${preview} />
        ${count > 0 && html`<div class="actions start"><button type="button" class="button danger" onClick=${() => setConfirming(true)}>Prune ${count} ${count === 1 ? 'archive' : 'archives'}…</button></div>`}`}
      ${realJob && html`<${JobMonitor} key=${realJob} jobId=${realJob} user=${user} title="Prune" />`}
      ${confirming && html`
        <${ConfirmDialog} open=${true} title=${`Delete ${count} ${count === 1 ? 'archive' : 'archives'}?`} confirmLabel="Prune now" busy=${action.busy} error=${action.error}
          onConfirm=${() => start(false)} onClose=${() => setConfirming(false)}>
          <p>The archives the preview listed are deleted from <strong>${repository.name}</strong>. Their space is freed by the next compact.</p>
        <//>`}
    </section>`;
}

function Compact({ repository, user }) {
  const [job, setJob] = useState(null);
  const action = useAction();
  const start = () => action.run(async () => setJob((await post(jobPath(repository, 'compact'), {})).job_id));
  return html`
    <section class="panel" aria-labelledby="compact-title">
      <h2 id="compact-title">Compact</h2>
      <p class="muted">Give back the space of deleted and pruned archives.</p>
      ${action.error && html`<${Alert} kind="error">${action.error}<//>`}
      <div class="actions start"><button type="button" class="button" disabled=${action.busy} onClick=${start}>Compact now</button></div>
      ${job && html`<${JobMonitor} key=${job} jobId=${job} user=${user} title="Compact" />`}
    </section>`;
}

function Check({ repository, user }) {
  const [scope, setScope] = useState('both');
  const [verifyData, setVerifyData] = useState(false);
  const [minutes, setMinutes] = useState('');
  const [job, setJob] = useState(null);
  const action = useAction();
  const submit = (event) => {
    event.preventDefault();
    const body = { repository_only: scope === 'repository', archives_only: scope === 'archives', verify_data: verifyData };
    if (minutes.trim()) body.max_duration_seconds = Math.round(Number(minutes) * 60);
    action.run(async () => setJob((await post(jobPath(repository, 'check'), body)).job_id));
  };
  return html`
    <section class="panel" aria-labelledby="check-title">
      <h2 id="check-title">Check</h2>
      <form class="stack" onSubmit=${submit}>
        <fieldset class="choice">
          <legend>What to check</legend>
          <label class="choice-option"><input type="radio" name="check-scope" checked=${scope === 'both'} onChange=${() => setScope('both')} /> Repository and archives</label>
          <label class="choice-option"><input type="radio" name="check-scope" checked=${scope === 'repository'} onChange=${() => setScope('repository')} /> Repository only</label>
          <label class="choice-option"><input type="radio" name="check-scope" checked=${scope === 'archives'} onChange=${() => setScope('archives')} /> Archives only</label>
        </fieldset>
        <${Checkbox} label="Verify all data (reads and decrypts everything: slow)" checked=${verifyData} onValue=${setVerifyData} />
        <${Field} label="Stop after (minutes)" type="number" min="1" step="1" value=${minutes} onValue=${setMinutes} name="check-minutes"
          hint="Optional; a partial repository check that continues next time. Borg allows it only for a repository-only check without data verification." />
        ${action.error && html`<${Alert} kind="error">${action.error}<//>`}
        <div class="actions start"><button type="submit" class="button" disabled=${action.busy}>Start check</button></div>
      </form>
      ${job && html`<${JobMonitor} key=${job} jobId=${job} user=${user} title="Check" />`}
    </section>`;
}

function BreakLock({ repository, user }) {
  const [lock, setLock] = useState(null);
  const [job, setJob] = useState(null);
  const look = useAction();
  const act = useAction();
  const open = () => look.run(async () => setLock(await get(jobPath(repository, 'lock'))));
  const confirm = () => act.run(async () => {
    const { job_id: jobId } = await post(jobPath(repository, 'break-lock'), { confirm: true });
    setLock(null);
    setJob(jobId);
  });
  const alive = lock?.holders?.some((holder) => holder.alive);
  return html`
    <section class="panel" aria-labelledby="lock-title">
      <h2 id="lock-title">Lock</h2>
      <p class="muted">A borg that died can leave the repository locked. Look at who holds the lock before breaking it.</p>
      ${look.error && html`<${Alert} kind="error">${look.error}<//>`}
      <div class="actions start"><button type="button" class="button" disabled=${look.busy} onClick=${open}>Show the lock…</button></div>
      ${job && html`<${JobMonitor} key=${job} jobId=${job} user=${user} title="Break lock" />`}
      ${lock && !lock.locked && html`
        <${Dialog} open=${true} title="The repository is not locked" onClose=${() => setLock(null)}>
          <p>Nothing holds a lock on <strong>${repository.name}</strong>; there is nothing to break.</p>
          <div class="actions"><button type="button" class="button primary" onClick=${() => setLock(null)}>Close</button></div>
        <//>`}
      ${lock?.locked && html`
        <${ConfirmDialog} open=${true} title="Break the lock?" confirmLabel="Break the lock" busy=${act.busy} error=${act.error} onConfirm=${confirm} onClose=${() => setLock(null)}>
          <p>The lock is held by:</p>
          <ul class="lock-holders">
            ${lock.holders.map((holder) => html`
              <li>${holder.kind} lock of process <strong>${holder.pid}</strong> on <strong>${holder.host}</strong>
                ${holder.this_host ? (holder.alive ? ' — still running on this server' : ' — no longer running') : ' — another machine; whether it runs is unknown'}</li>`)}
          </ul>
          ${lock.running_job_id && html`<${Alert} kind="warning">A job of this interface is running on the repository right now. Cancel it instead.<//>`}
          ${alive && html`<${Alert} kind="warning">The holder is still running: breaking its lock can corrupt the repository.<//>`}
          <p>Break it only if you are sure no borg uses the repository.</p>
        <//>`}
    </section>`;
}

function KeyExport({ repository }) {
  const action = useAction();
  const fetchKey = (format, name) => action.run(() => download(`${jobPath(repository, 'key')}?format=${format}`, name));
  return html`
    <section class="panel" aria-labelledby="key-title">
      <h2 id="key-title">Key export</h2>
      <p class="muted">A copy of the repository key, to keep offline. With the passphrase it opens the repository even if this server is lost.</p>
      ${action.error && html`<${Alert} kind="error">${action.error}<//>`}
      <div class="actions start">
        <button type="button" class="button" disabled=${action.busy} onClick=${() => fetchKey('key', 'borg-key.txt')}>Download key</button>
        <button type="button" class="button" disabled=${action.busy} onClick=${() => fetchKey('paper', 'borg-key-paper.txt')}>Paper key</button>
        <button type="button" class="button" disabled=${action.busy} onClick=${() => fetchKey('qr-html', 'borg-key.html')}>Printable QR code</button>
      </div>
    </section>`;
}

function Settings({ repository, user, onChanged }) {
  const [name, setName] = useState(repository.name);
  const [dialog, setDialog] = useState(null);
  const [typed, setTyped] = useState('');
  const rename = useAction();
  const remove = useAction();
  const path = `/api/repositories/${encodeURIComponent(repository.id)}`;
  const saveName = (event) => {
    event.preventDefault();
    rename.run(async () => {
      await patch(path, { name: name.trim() });
      onChanged();
    });
  };
  const forget = () => remove.run(async () => {
    await del(path);
    navigate('/repositories');
  });
  const destroy = (event) => {
    event.preventDefault();
    remove.run(async () => {
      await post(`${path}/delete-data`, { confirm_name: typed });
      navigate('/repositories');
    });
  };
  const close = () => {
    setDialog(null);
    setTyped('');
    remove.setError('');
  };
  return html`
    <section class="panel" aria-labelledby="settings-title">
      <h2 id="settings-title">Name and removal</h2>
      <form class="row align-end" onSubmit=${saveName}>
        <${Field} label="Repository name" value=${name} onValue=${setName} name="rename" maxlength="100" required />
        <button type="submit" class="button" disabled=${rename.busy || name.trim() === repository.name}>Rename</button>
      </form>
      ${rename.error && html`<${Alert} kind="error">${rename.error}<//>`}
      <div class="actions start danger-zone">
        <button type="button" class="button danger" onClick=${() => setDialog('remove')}>Remove from this interface…</button>
        ${hasRole(user.role, 'admin') && html`<button type="button" class="button danger" onClick=${() => setDialog('delete')}>Delete the repository data…</button>`}
      </div>
      ${dialog === 'remove' && html`
        <${ConfirmDialog} open=${true} title=${`Remove ${repository.name}?`} confirmLabel="Remove" busy=${remove.busy} error=${remove.error} onConfirm=${forget} onClose=${close}>
          <p>The repository is forgotten here, with its stored passphrase and job history. <strong>Its data stays</strong> at <code>${repository.location}</code> and can be imported again.</p>
        <//>`}
      ${dialog === 'delete' && html`
        <${Dialog} open=${true} title=${`Delete all data of ${repository.name}?`} onClose=${close}>
          <form class="stack" onSubmit=${destroy}>
            <${Alert} kind="warning">Every archive in <code>${repository.location}</code> is deleted for good. This cannot be undone.<//>
            <${Field} label=${`Type the repository name (${repository.name}) to confirm`} value=${typed} onValue=${setTyped} name="confirm-name" autocomplete="off" required autofocus />
            ${remove.error && html`<${Alert} kind="error">${remove.error}<//>`}
            <div class="actions">
              <button type="button" class="button" onClick=${close}>Cancel</button>
              <button type="submit" class="button danger" disabled=${remove.busy || typed !== repository.name}>${remove.busy ? 'Deleting…' : 'Delete everything'}</button>
            </div>
          </form>
        <//>`}
    </section>`;
}

export function Maintenance({ repository, user, onChanged }) {
  return html`
    <h2 class="section-title">Maintenance</h2>
    <div class="grid">
      <${Prune} repository=${repository} user=${user} />
      <${Check} repository=${repository} user=${user} />
      <${Compact} repository=${repository} user=${user} />
      <${BreakLock} repository=${repository} user=${user} />
      ${hasRole(user.role, 'admin') && KEY_EXPORT_MODES.has(repository.encryption) && html`<${KeyExport} repository=${repository} />`}
      <${Settings} repository=${repository} user=${user} onChanged=${onChanged} />
    </div>`;
}
