// One repository: its figures, archives, history and recent jobs, and (for those allowed) its
// maintenance.
import { useEffect, useRef } from 'preact/hooks';
import { useAction } from '../action.js';
import { post } from '../api.js';
import { Alert } from '../components/alert.js';
import { HistoryColumns, SizeBars } from '../components/chart.js';
import { JobMonitor } from '../components/job-monitor.js';
import { PageHeader } from '../components/panel.js';
import { StatusBadge } from '../components/status.js';
import { isJobEvent, useEvents } from '../events.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { jobHref, kindLabel } from '../jobs.js';
import { useResource } from '../resource.js';
import { Link } from '../router.js';
import { hasRole } from '../session.js';
import { formatAge, formatBytes, formatCount, formatDuration, formatRatio } from '../units.js';
import { Maintenance } from './repository-maintenance.js';

function Info({ repository, user, onRefreshed }) {
  const stats = repository.stats ?? {};
  const refresh = useAction();
  const run = () => refresh.run(async () => onRefreshed(await post(`/api/repositories/${encodeURIComponent(repository.id)}/refresh`)));
  return html`
    <section class="panel" aria-labelledby="info-title">
      <h2 id="info-title">Information</h2>
      <dl class="facts">
        <dt>Location</dt><dd><code>${repository.location}</code></dd>
        <dt>Encryption</dt><dd>${repository.encryption}</dd>
        <dt>Archives</dt><dd class="archive-count">${formatCount(stats.archive_count)}</dd>
        <dt>Last backup</dt><dd>${stats.last_backup_at ? `${formatDate(stats.last_backup_at)} (${formatAge(stats.last_backup_at)})` : 'never'}</dd>
        <dt>Original size</dt><dd>${formatBytes(stats.original_size)}</dd>
        <dt>Compressed</dt><dd>${formatBytes(stats.compressed_size)}</dd>
        <dt>Deduplicated</dt><dd>${formatBytes(stats.deduplicated_size)}</dd>
        <dt>Deduplication</dt><dd>${formatRatio(stats.dedup_ratio)}</dd>
        <dt>Figures read</dt><dd>${formatDate(stats.refreshed_at)}</dd>
      </dl>
      ${repository.stats && html`<${SizeBars} title="Sizes" bars=${[
        { label: 'Original', value: stats.original_size },
        { label: 'Compressed', value: stats.compressed_size },
        { label: 'Stored (deduplicated)', value: stats.deduplicated_size, tone: 'strong' },
      ]} />`}
      ${refresh.error && html`<${Alert} kind="error">${refresh.error}<//>`}
      ${hasRole(user.role, 'operator') && html`
        <div class="actions start">
          <${Link} class="button primary" href=${`/backup?repository=${encodeURIComponent(repository.id)}`}>Back up now<//>
          <button type="button" class="button" disabled=${refresh.busy} onClick=${run}>${refresh.busy ? 'Reading…' : 'Refresh figures'}</button>
        </div>`}
    </section>`;
}

function Archives({ repository, refreshKey }) {
  const archives = useResource(`/api/repositories/${encodeURIComponent(repository.id)}/archives`);
  const first = useRef(true);
  useEffect(() => {
    // A finished job or refreshed figures may mean new archives.
    if (!first.current) archives.reload();
    first.current = false;
  }, [refreshKey]);
  const count = repository.stats?.archive_count ?? 0;
  const items = archives.data?.archives;
  return html`
    <section class="panel" aria-labelledby="archives-title" aria-busy=${archives.loading ? 'true' : 'false'}>
      <h2 id="archives-title">Archives</h2>
      ${!items && !archives.loading && html`
        <p>${count === 1 ? 'This repository holds 1 archive.' : `This repository holds ${formatCount(count)} archives.`}</p>
        ${archives.error && html`<p class="muted">The list of archives could not be read: ${archives.error}</p>`}`}
      ${items && !items.length && html`<p class="muted">No archives yet. Run a backup to make the first.</p>`}
      ${items?.length > 0 && html`
        <div class="table-wrap">
          <table class="table responsive">
            <thead><tr><th scope="col">Archive</th><th scope="col">Made</th><th scope="col">Files</th><th scope="col">Original</th><th scope="col">Added</th><th scope="col">Took</th></tr></thead>
            <tbody>
              ${items.map((archive) => html`
                <tr key=${archive.id ?? archive.name}>
                  <th scope="row" data-label="Archive"><span class="archive-name">${archive.name}</span></th>
                  <td data-label="Made" class="nowrap">${formatDate(archive.start)}</td>
                  <td data-label="Files">${formatCount(archive.files)}</td>
                  <td data-label="Original" class="nowrap">${formatBytes(archive.original_size)}</td>
                  <td data-label="Added" class="nowrap">${formatBytes(archive.deduplicated_size)}</td>
                  <td data-label="Took" class="nowrap">${formatDuration(archive.duration_seconds)}</td>
                </tr>`)}
            </tbody>
          </table>
        </div>`}
      <p><${Link} href=${`/archives?repo=${encodeURIComponent(repository.id)}`}>Browse, search and restore files<//></p>
    </section>`;
}

function History({ jobs }) {
  const points = jobs
    .filter((job) => job.kind === 'backup' && job.stats?.original_size != null && job.finished_at)
    .map((job) => ({ time: job.finished_at, value: job.stats.original_size }))
    .reverse();
  return html`
    <section class="panel" aria-labelledby="history-title">
      <h2 id="history-title">Backup sizes</h2>
      <p class="muted">Original size of each backup, oldest to newest.</p>
      <${HistoryColumns} title="Original size per backup" points=${points} />
    </section>`;
}

function RecentJobs({ jobs }) {
  return html`
    <section class="panel" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent jobs</h2>
      ${!jobs.length && html`<p class="muted">Nothing has run on this repository yet.</p>`}
      ${jobs.length > 0 && html`
        <div class="table-wrap">
          <table class="table responsive">
            <thead><tr><th scope="col">Job</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">Result</th></tr></thead>
            <tbody>
              ${jobs.slice(0, 10).map((job) => html`
                <tr key=${job.id}>
                  <th scope="row" data-label="Job"><${Link} href=${jobHref(job.id)}>${kindLabel(job.kind)}<//></th>
                  <td data-label="Status"><${StatusBadge} status=${job.status} /></td>
                  <td data-label="Started" class="nowrap">${formatDate(job.started_at ?? job.created_at)}</td>
                  <td data-label="Took" class="nowrap">${formatDuration(job.duration_seconds)}</td>
                  <td data-label="Result" class="result">${job.stats?.archive_name ?? job.error ?? ''}</td>
                </tr>`)}
            </tbody>
          </table>
        </div>`}
    </section>`;
}

export function RepositoryPage({ id, user }) {
  const path = `/api/repositories/${encodeURIComponent(id)}`;
  const repository = useResource(path);
  const jobs = useResource(`/api/jobs?repository_id=${encodeURIComponent(id)}&limit=50`);
  useEvents((message) => {
    if (message.body?.repository_id !== id) return;
    if (isJobEvent(message)) jobs.reload();
    if (message.subject === 'evt.job.finished' || message.subject.startsWith('evt.repository.')) repository.reload();
  });

  if (repository.error && !repository.data) {
    return html`
      <${PageHeader} title="Repository" />
      <${Alert} kind="error">${repository.error}<//>
      <p><${Link} href="/repositories">All repositories<//></p>`;
  }
  if (!repository.data) return html`<${PageHeader} title="Repository" /><p class="muted" role="status">Loading…</p>`;
  const repo = repository.data;
  const items = jobs.data?.items ?? [];
  const active = items.filter((job) => job.status === 'running' || job.status === 'queued');
  return html`
    <p class="breadcrumb"><${Link} href="/repositories">Repositories<//> <span aria-hidden="true">›</span></p>
    <${PageHeader} title=${repo.name}>${repo.encryption === 'none' ? 'Not encrypted' : `Encrypted (${repo.encryption})`}<//>
    ${active.length > 0 && html`
      <section class="panel highlight" aria-labelledby="active-title">
        <h2 id="active-title">Running now</h2>
        ${active.map((job) => html`<${JobMonitor} key=${job.id} jobId=${job.id} user=${user} />`)}
      </section>`}
    <div class="grid">
      <${Info} repository=${repo} user=${user} onRefreshed=${() => repository.reload()} />
      <${History} jobs=${items} />
    </div>
    <${Archives} repository=${repo} refreshKey=${`${repo.stats?.archive_count ?? 0}-${repo.stats?.refreshed_at ?? ''}`} />
    <${RecentJobs} jobs=${items} />
    ${hasRole(user.role, 'operator') && html`<${Maintenance} repository=${repo} user=${user} onChanged=${() => repository.reload()} />`}`;
}
