// Restore a selection from an archive, always in three steps: choose where, see a dry run of what
// would be written and overwritten, confirm; then follow the restore job.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { post } from '../api.js';
import { html } from '../html.js';
import { baseName } from '../pages/archives-format.js';
import { formatBytes, formatCount } from '../units.js';
import { Alert } from './alert.js';
import { Dialog } from './dialog.js';
import { Field } from './field.js';
import { JobMonitor } from './job-monitor.js';

function Where({ form, setForm, busy, error, count, onPreview, onClose }) {
  const set = (name) => (value) => setForm({ ...form, [name]: value });
  const submit = (event) => {
    event.preventDefault();
    onPreview();
  };
  return html`
    <form class="stack" onSubmit=${submit}>
      <p>${formatCount(count)} ${count === 1 ? 'entry' : 'entries'} selected. Nothing is written until you have seen what would change.</p>
      <fieldset class="choice">
        <legend>Restore to</legend>
        <label class="choice-option">
          <input type="radio" name="restore-where" value="original" checked=${form.where === 'original'} onChange=${() => set('where')('original')} />
          The original place (files there are overwritten)
        </label>
        <label class="choice-option">
          <input type="radio" name="restore-where" value="folder" checked=${form.where === 'folder'} onChange=${() => set('where')('folder')} />
          Another folder
        </label>
      </fieldset>
      ${form.where === 'folder' && html`
        <${Field} label="Destination folder" value=${form.destination} onValue=${set('destination')} name="restore-destination" autocomplete="off" spellcheck=${false} placeholder="/srv/restore" hint="An absolute path on the server, inside one of the allowed restore folders (RESTORE_ROOTS)." required />`}
      <${Field} label="Strip leading folders" type="number" value=${form.strip} onValue=${set('strip')} name="restore-strip" min="0" max="64" step="1" inputmode="numeric" hint="How many leading folders of each archive path to leave out, e.g. 2 turns home/anna/x into x." />
      ${error && html`<${Alert} kind="error">${error}<//>`}
      <div class="actions">
        <button type="button" class="button" onClick=${onClose}>Cancel</button>
        <button type="submit" class="button primary" disabled=${busy}>${busy ? 'Checking…' : 'Preview restore'}</button>
      </div>
    </form>`;
}

function Plan({ plan, busy, error, onBack, onConfirm }) {
  const nothing = plan.files === 0 && plan.items.length === 0;
  return html`
    <div class="stack restore-plan">
      <p role="status">
        Dry run: <strong>${formatCount(plan.files)}</strong> ${plan.files === 1 ? 'file' : 'files'}, ${formatBytes(plan.bytes)} would be written; <strong>${formatCount(plan.overwrites)}</strong> existing ${plan.overwrites === 1 ? 'entry' : 'entries'} would be overwritten.
      </p>
      ${plan.overwrites > 0 && html`<${Alert} kind="warning">Entries marked “overwrites” exist at the target and will be replaced by the archive’s version.<//>`}
      <div class="plan-list">
        <table class="table plan-table">
          <thead><tr><th scope="col">Written to</th><th scope="col">Size</th><th scope="col"><span class="visually-hidden">Overwrites</span></th></tr></thead>
          <tbody>
            ${plan.items.map((item) => html`
              <tr key=${item.target} class=${item.exists ? 'overwrite' : ''}>
                <td><code title=${`From ${item.path}`}>${item.target}</code></td>
                <td class="nowrap">${item.type === 'd' ? '' : formatBytes(item.size)}</td>
                <td>${item.exists && html`<span class="badge change-removed">overwrites</span>`}</td>
              </tr>`)}
          </tbody>
        </table>
      </div>
      ${plan.truncated && html`<p class="muted">The list shows the first ${formatCount(plan.items.length)} entries; the counts above cover all of them.</p>`}
      ${error && html`<${Alert} kind="error">${error}<//>`}
      <div class="actions">
        <button type="button" class="button" onClick=${onBack}>Back</button>
        <button type="button" class=${`button ${plan.overwrites ? 'danger' : 'primary'}`} disabled=${busy || nothing} onClick=${onConfirm}>
          ${busy ? 'Starting…' : plan.overwrites ? `Restore and overwrite ${formatCount(plan.overwrites)}` : 'Restore'}
        </button>
      </div>
    </div>`;
}

export function ArchiveRestore({ repoId, archive, paths, user, onClose }) {
  const [form, setForm] = useState({ where: 'folder', destination: '', strip: '0' });
  const [plan, setPlan] = useState(null);
  const [jobId, setJobId] = useState(null);
  const { busy, error, setError, run } = useAction();

  const body = (dryRun) => ({
    archive,
    paths,
    destination: form.where === 'original' ? null : form.destination.trim(),
    strip_components: Number.parseInt(form.strip || '0', 10) || 0,
    dry_run: dryRun,
  });
  const call = (dryRun) => run(async () => {
    const reply = await post(`/api/repositories/${encodeURIComponent(repoId)}/restore`, body(dryRun));
    if (dryRun) setPlan(reply);
    else setJobId(reply.job_id);
  });
  const title = paths.length === 1 ? `Restore ${baseName(paths[0])}` : `Restore ${formatCount(paths.length)} entries`;

  return html`
    <${Dialog} open=${true} title=${title} onClose=${onClose}>
      <div class="archive-restore">
        <p class="muted">From <strong>${archive}</strong></p>
        ${jobId
          ? html`
            <${JobMonitor} jobId=${jobId} user=${user} title="Restore" />
            <div class="actions"><button type="button" class="button" onClick=${onClose}>Close</button></div>`
          : plan
            ? html`<${Plan} plan=${plan} busy=${busy} error=${error} onBack=${() => { setPlan(null); setError(''); }} onConfirm=${() => call(false)} />`
            : html`<${Where} form=${form} setForm=${setForm} busy=${busy} error=${error} count=${paths.length} onPreview=${() => call(true)} onClose=${onClose} />`}
      </div>
    <//>`;
}
