// The dashboard: every repository's health and storage, jobs running now with live progress, and
// what failed lately. Everything reloads on job and repository events.
import { Alert } from '../components/alert.js';
import { SizeBars } from '../components/chart.js';
import { JobMonitor } from '../components/job-monitor.js';
import { PageHeader } from '../components/panel.js';
import { HealthBadge } from '../components/status.js';
import { isJobEvent, useEvents } from '../events.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { jobHref, kindLabel, repositoryHealth } from '../jobs.js';
import { useResource } from '../resource.js';
import { Link } from '../router.js';
import { hasRole } from '../session.js';
import { formatAge, formatBytes, formatCount, formatRatio } from '../units.js';
import { repositoryHref, useRepositoriesWithHealth } from './repositories.js';

function RepositoryCard({ repository, lastBackup }) {
  const stats = repository.stats ?? {};
  const health = repositoryHealth(repository, lastBackup);
  return html`
    <article class=${`panel repo-card tone-${health.tone}`} aria-labelledby=${`repo-${repository.id}`}>
      <div class="panel-head">
        <h3 id=${`repo-${repository.id}`}><${Link} href=${repositoryHref(repository.id)}>${repository.name}<//></h3>
        <${HealthBadge} health=${health} />
      </div>
      <dl class="facts small">
        <dt>Last backup</dt><dd>${formatAge(stats.last_backup_at)}</dd>
        <dt>Archives</dt><dd>${formatCount(stats.archive_count)}</dd>
        <dt>Deduplication</dt><dd>${formatRatio(stats.dedup_ratio)}</dd>
      </dl>
      <${SizeBars} title=${`Storage of ${repository.name}`} bars=${[
        { label: 'Original', value: stats.original_size },
        { label: 'Stored', value: stats.deduplicated_size, tone: 'strong' },
      ]} />
    </article>`;
}

function Running({ user }) {
  const running = useResource('/api/jobs?status=running&limit=20');
  const queued = useResource('/api/jobs?status=queued&limit=20');
  useEvents((message) => {
    if (!isJobEvent(message)) return;
    running.reload();
    queued.reload();
  });
  const items = [...(running.data?.items ?? []), ...(queued.data?.items ?? [])];
  return html`
    <section class="panel" aria-labelledby="running-title">
      <h2 id="running-title">Running now</h2>
      ${running.error && html`<${Alert} kind="error">${running.error}<//>`}
      ${running.data && !items.length && html`<p class="muted">No job is running.</p>`}
      ${items.map((job) => html`<${JobMonitor} key=${job.id} jobId=${job.id} user=${user} />`)}
    </section>`;
}

function Failures({ names }) {
  const failed = useResource('/api/jobs?status=failed&limit=5');
  useEvents((message) => {
    if (message.subject === 'evt.job.finished' && message.body.status === 'failed') failed.reload();
  });
  const items = failed.data?.items ?? [];
  return html`
    <section class="panel" aria-labelledby="failures-title">
      <h2 id="failures-title">Recent failures</h2>
      ${failed.error && html`<${Alert} kind="error">${failed.error}<//>`}
      ${failed.data && !items.length && html`<p class="muted">Nothing failed.</p>`}
      ${items.length > 0 && html`
        <ul class="failures">
          ${items.map((job) => html`
            <li>
              <${Link} href=${jobHref(job.id)}>${kindLabel(job.kind)} of ${names[job.repository_id] ?? 'a removed repository'}<//>
              <span class="muted"> · ${formatDate(job.finished_at ?? job.created_at)}</span>
              ${job.error && html`<div class="failure-text">${job.error}</div>`}
            </li>`)}
        </ul>`}
    </section>`;
}

export function DashboardPage({ user }) {
  const { repositories, latest } = useRepositoriesWithHealth();
  const items = repositories.data?.items ?? [];
  const names = Object.fromEntries(items.map((r) => [r.id, r.name]));
  const total = items.reduce((sum, r) => sum + (r.stats?.deduplicated_size ?? 0), 0);
  return html`
    <${PageHeader} title="Dashboard">${items.length ? `${items.length} ${items.length === 1 ? 'repository' : 'repositories'}, ${formatBytes(total)} stored.` : 'The state of every repository at a glance.'}<//>
    ${repositories.error && html`<${Alert} kind="error">${repositories.error}<//>`}
    ${repositories.data && !items.length && html`
      <section class="panel">
        <h2>No repositories yet</h2>
        <p>${hasRole(user.role, 'operator') ? html`<${Link} href="/repositories?new">Add a repository<//> to start backing up.` : 'An operator can add one.'}</p>
      </section>`}
    ${items.length > 0 && html`
      <h2 class="section-title">Repositories</h2>
      <div class="grid cards">${items.map((repository) => html`<${RepositoryCard} key=${repository.id} repository=${repository} lastBackup=${latest[repository.id]} />`)}</div>`}
    <div class="grid">
      <${Running} user=${user} />
      <${Failures} names=${names} />
    </div>`;
}
