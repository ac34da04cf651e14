// Run a backup now: choose the repository and options (its defaults filled in), start, and follow
// it with a progress bar until it is done. `?job=…` shows one backup, so a reload keeps watching.
import { useEffect, useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { patch, post } from '../api.js';
import { Alert } from '../components/alert.js';
import { Field, SelectField } from '../components/field.js';
import { Checkbox, lines, LinesField } from '../components/inputs.js';
import { JobMonitor } from '../components/job-monitor.js';
import { PageHeader } from '../components/panel.js';
import { isJobEvent, useEvents } from '../events.js';
import { html } from '../html.js';
import { useResource } from '../resource.js';
import { Link, navigate, useLocation } from '../router.js';
import { hasRole } from '../session.js';

const ALGORITHMS = [
  ['lz4', 'lz4 (fast, light)'],
  ['zstd', 'zstd (good balance)'],
  ['zlib', 'zlib'],
  ['lzma', 'lzma (small, slow)'],
  ['none', 'none'],
];
const LEVELS = { zstd: [1, 22, 3], zlib: [0, 9, 6], lzma: [0, 9, 6] };

/** Split borg's compression spec ("auto,zstd,10") into the form's parts. */
export function parseCompression(spec) {
  const parts = String(spec || 'lz4').split(',');
  const auto = parts[0] === 'auto';
  if (auto) parts.shift();
  const algorithm = ALGORITHMS.some(([name]) => name === parts[0]) ? parts[0] : 'lz4';
  const level = parts[1] ?? (LEVELS[algorithm] ? String(LEVELS[algorithm][2]) : '');
  return { algorithm, level, auto };
}

/** The spec borg takes, from the form's parts. */
export function compressionSpec({ algorithm, level, auto }) {
  let spec = algorithm;
  if (LEVELS[algorithm] && String(level).trim()) spec += `,${String(level).trim()}`;
  return auto && algorithm !== 'none' ? `auto,${spec}` : spec;
}

function hookFrom(text, timeout, onFailure) {
  const argv = lines(text);
  if (!argv.length) return null;
  const hook = { argv, timeout_seconds: Number(timeout) || 300 };
  if (onFailure) hook.on_failure = onFailure;
  return hook;
}

function formFrom(defaults) {
  return {
    sources: defaults.sources.join('\n'),
    exclude_patterns: defaults.exclude_patterns.join('\n'),
    exclude_if_present: defaults.exclude_if_present.join('\n'),
    exclude_caches: defaults.exclude_caches,
    one_file_system: defaults.one_file_system,
    compression: parseCompression(defaults.compression),
    archive_name_template: defaults.archive_name_template,
    upload_ratelimit_kib: defaults.upload_ratelimit_kib == null ? '' : String(defaults.upload_ratelimit_kib),
    extra_flags: defaults.extra_flags.join('\n'),
    pre_command: (defaults.pre_command?.argv ?? []).join('\n'),
    pre_timeout: String(defaults.pre_command?.timeout_seconds ?? 300),
    pre_on_failure: defaults.pre_command?.on_failure ?? 'skip',
    post_command: (defaults.post_command?.argv ?? []).join('\n'),
    post_timeout: String(defaults.post_command?.timeout_seconds ?? 300),
  };
}

/** The API's BackupOptions from the form. */
export function optionsFrom(form) {
  return {
    sources: lines(form.sources),
    exclude_patterns: lines(form.exclude_patterns),
    exclude_if_present: lines(form.exclude_if_present),
    exclude_caches: form.exclude_caches,
    one_file_system: form.one_file_system,
    compression: compressionSpec(form.compression),
    archive_name_template: form.archive_name_template.trim(),
    upload_ratelimit_kib: form.upload_ratelimit_kib.trim() ? Number(form.upload_ratelimit_kib) : null,
    extra_flags: lines(form.extra_flags),
    pre_command: hookFrom(form.pre_command, form.pre_timeout, form.pre_on_failure),
    post_command: hookFrom(form.post_command, form.post_timeout, null),
  };
}

function BackupForm({ repositories, initial }) {
  const [repositoryId, setRepositoryId] = useState(initial && repositories.some((r) => r.id === initial) ? initial : repositories[0]?.id ?? '');
  const repository = repositories.find((candidate) => candidate.id === repositoryId);
  const [form, setForm] = useState(() => (repository ? formFrom(repository.defaults) : null));
  const [saveDefaults, setSaveDefaults] = useState(false);
  const action = useAction();
  useEffect(() => {
    if (repository) setForm(formFrom(repository.defaults));
  }, [repositoryId]);
  if (!repositories.length) {
    return html`<p>There is no repository to back up to yet. <${Link} href="/repositories?new">Add a repository<//> first.</p>`;
  }
  if (!form) return null;
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const setCompression = (key) => (value) => setForm({ ...form, compression: { ...form.compression, [key]: value } });
  const levels = LEVELS[form.compression.algorithm];

  const submit = (event) => {
    event.preventDefault();
    const options = optionsFrom(form);
    action.run(async () => {
      const path = `/api/repositories/${encodeURIComponent(repositoryId)}`;
      if (saveDefaults) await patch(path, { defaults: options });
      const { job_id: jobId } = await post(`${path}/backup`, { options });
      navigate(`/backup?job=${encodeURIComponent(jobId)}`);
    });
  };

  return html`
    <form class="stack" onSubmit=${submit}>
      <${SelectField} label="Repository" value=${repositoryId} onValue=${setRepositoryId} name="repository" options=${repositories.map((r) => [r.id, r.name])} />
      <${LinesField} label="Sources" value=${form.sources} onValue=${set('sources')} name="sources" rows="3" required
        hint="Folders or files to back up, one absolute path per line, under the folders the administrator allowed." />
      <div class="row">
        <${SelectField} label="Compression" value=${form.compression.algorithm} onValue=${setCompression('algorithm')} name="compression" options=${ALGORITHMS} />
        ${levels && html`<${Field} label="Level" type="number" min=${levels[0]} max=${levels[1]} step="1" value=${form.compression.level} onValue=${setCompression('level')} name="compression-level" hint=${`${levels[0]} to ${levels[1]}; higher is smaller and slower.`} />`}
      </div>
      ${form.compression.algorithm !== 'none' && html`<${Checkbox} label="Compress only what compresses well (auto)" checked=${form.compression.auto} onValue=${setCompression('auto')} hint="Borg tries lz4 first and skips the chosen algorithm for data that does not shrink." />`}
      <${Field} label="Archive name" value=${form.archive_name_template} onValue=${set('archive_name_template')} name="archive-name" spellcheck="false" autocapitalize="none" required
        hint="Borg placeholders work: {hostname}, {now:%Y-%m-%d}, {utcnow}, {user}." />
      <details class="more-options">
        <summary>Excludes and other options</summary>
        <div class="stack">
          <${LinesField} label="Exclude patterns" value=${form.exclude_patterns} onValue=${set('exclude_patterns')} name="excludes" rows="3" hint="One borg pattern per line, e.g. *.tmp, sh:**/node_modules, /home/*/.cache." />
          <${LinesField} label="Skip folders containing" value=${form.exclude_if_present} onValue=${set('exclude_if_present')} name="exclude-if-present" rows="2" hint="File names such as .nobackup: a folder holding one is left out." />
          <${Checkbox} label="Skip cache folders (CACHEDIR.TAG)" checked=${form.exclude_caches} onValue=${set('exclude_caches')} />
          <${Checkbox} label="Stay on one file system" checked=${form.one_file_system} onValue=${set('one_file_system')} hint="Do not descend into mounted file systems." />
          <${Field} label="Upload limit (KiB/s)" type="number" min="1" step="1" value=${form.upload_ratelimit_kib} onValue=${set('upload_ratelimit_kib')} name="ratelimit" hint="For remote repositories; empty for no limit." />
          <${LinesField} label="Extra borg create flags" value=${form.extra_flags} onValue=${set('extra_flags')} name="extra-flags" rows="2" hint="One per line, from the allowed list (e.g. --noatime, --checkpoint-interval=600)." />
          <${LinesField} label="Run before the backup" value=${form.pre_command} onValue=${set('pre_command')} name="pre-command" rows="2" hint="A program and its arguments, one per line (no shell)." />
          <div class="row">
            <${Field} label="Before: time limit (s)" type="number" min="1" value=${form.pre_timeout} onValue=${set('pre_timeout')} name="pre-timeout" />
            <${SelectField} label="If it fails" value=${form.pre_on_failure} onValue=${set('pre_on_failure')} name="pre-on-failure" options=${[['skip', 'Skip the backup'], ['continue', 'Back up anyway']]} />
          </div>
          <${LinesField} label="Run after the backup" value=${form.post_command} onValue=${set('post_command')} name="post-command" rows="2" hint="Runs when the backup succeeded; one argument per line." />
          <${Field} label="After: time limit (s)" type="number" min="1" value=${form.post_timeout} onValue=${set('post_timeout')} name="post-timeout" />
        </div>
      </details>
      <${Checkbox} label="Save these options as the repository's defaults" checked=${saveDefaults} onValue=${setSaveDefaults} />
      ${action.error && html`<${Alert} kind="error">${action.error}<//>`}
      <div class="actions start">
        <button type="submit" class="button primary" disabled=${action.busy}>${action.busy ? 'Starting…' : 'Start backup'}</button>
      </div>
    </form>`;
}

function RunningBackups({ user, except }) {
  const running = useResource('/api/jobs?kind=backup&status=running&limit=20');
  useEvents((message) => {
    if (isJobEvent(message) && message.body.kind === 'backup') running.reload();
  });
  const items = (running.data?.items ?? []).filter((job) => job.id !== except);
  if (!items.length) return null;
  return html`
    <section class="panel" aria-labelledby="running-title">
      <h2 id="running-title">Other backups running now</h2>
      ${items.map((job) => html`<${JobMonitor} key=${job.id} jobId=${job.id} user=${user} />`)}
    </section>`;
}

export function BackupPage({ user }) {
  const { query } = useLocation();
  const jobId = query.get('job');
  const repositories = useResource('/api/repositories');
  const operator = hasRole(user.role, 'operator');
  return html`
    <${PageHeader} title="Backup">Back up now and watch it happen.<//>
    ${jobId && html`
      <section class="panel highlight" aria-labelledby="watch-title">
        <h2 id="watch-title">This backup</h2>
        <${JobMonitor} key=${jobId} jobId=${jobId} user=${user} title="Backup" />
        ${operator && html`<p><${Link} href="/backup">Start another backup<//></p>`}
      </section>`}
    ${!jobId && operator && html`
      <section class="panel" aria-labelledby="start-title">
        <h2 id="start-title">Start a backup</h2>
        ${repositories.error && html`<${Alert} kind="error">${repositories.error}<//>`}
        ${repositories.data && html`<${BackupForm} repositories=${repositories.data.items} initial=${query.get('repository')} />`}
      </section>`}
    ${!jobId && !operator && html`<p class="muted">Starting backups needs the operator role; running backups are shown here as they happen.</p>`}
    <${RunningBackups} user=${user} except=${jobId} />`;
}
