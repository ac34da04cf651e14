// Repositories: the list with each one's health, and the way into the wizard and the detail page
// (`?new` and `?id=…`, so both survive a reload without more routes).
import { Alert } from '../components/alert.js';
import { PageHeader } from '../components/panel.js';
import { HealthBadge } from '../components/status.js';
import { isJobEvent, useEvents } from '../events.js';
import { html } from '../html.js';
import { latestByRepository, repositoryHealth } from '../jobs.js';
import { useResource } from '../resource.js';
import { Link, useLocation } from '../router.js';
import { hasRole } from '../session.js';
import { formatAge, formatBytes, formatCount } from '../units.js';
import { RepositoryPage } from './repository.js';
import { RepositoryWizard } from './repository-wizard.js';

export function repositoryHref(id) {
  return `/repositories?id=${encodeURIComponent(id)}`;
}

/** Repositories and their latest backups, reloaded whenever a job or repository changes. */
export function useRepositoriesWithHealth() {
  const repositories = useResource('/api/repositories');
  const backups = useResource('/api/jobs?kind=backup&limit=200');
  useEvents((message) => {
    if (message.subject.startsWith('evt.repository.')) repositories.reload();
    if (isJobEvent(message) && message.body.kind === 'backup') {
      backups.reload();
      if (message.subject === 'evt.job.finished') repositories.reload();
    }
  });
  const latest = latestByRepository(backups.data?.items ?? []);
  return { repositories, latest };
}

function RepositoryList({ user }) {
  const { repositories, latest } = useRepositoriesWithHealth();
  const items = repositories.data?.items ?? [];
  const operator = hasRole(user.role, 'operator');
  return html`
    <${PageHeader} title="Repositories">Where the backups are kept, and how each one is doing.<//>
    ${operator && html`<div class="actions start page-actions"><${Link} class="button primary" href="/repositories?new">Add a repository<//></div>`}
    <section class="panel" aria-labelledby="repositories-title" aria-busy=${repositories.loading ? 'true' : 'false'}>
      <h2 id="repositories-title">All repositories</h2>
      ${repositories.error && html`<${Alert} kind="error">${repositories.error}<//>`}
      ${repositories.data && !items.length && html`
        <p class="muted">No repositories yet.${operator ? ' Add one to start backing up.' : ' An operator can add one.'}</p>`}
      ${items.length > 0 && html`
        <div class="table-wrap">
          <table class="table responsive">
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Last backup</th><th scope="col">Stored</th><th scope="col">Archives</th><th scope="col">Location</th></tr>
            </thead>
            <tbody>
              ${items.map((repository) => {
                const health = repositoryHealth(repository, latest[repository.id]);
                return html`
                  <tr key=${repository.id}>
                    <th scope="row" data-label="Name"><${Link} href=${repositoryHref(repository.id)}>${repository.name}<//></th>
                    <td data-label="Status"><${HealthBadge} health=${health} /></td>
                    <td data-label="Last backup" class="nowrap">${formatAge(repository.stats?.last_backup_at)}</td>
                    <td data-label="Stored" class="nowrap">${formatBytes(repository.stats?.deduplicated_size)}</td>
                    <td data-label="Archives">${formatCount(repository.stats?.archive_count)}</td>
                    <td data-label="Location" class="location"><code>${repository.location}</code></td>
                  </tr>`;
              })}
            </tbody>
          </table>
        </div>`}
    </section>`;
}

export function RepositoriesPage({ user }) {
  const { query } = useLocation();
  const id = query.get('id');
  if (id) return html`<${RepositoryPage} key=${id} id=${id} user=${user} />`;
  if (query.has('new') && hasRole(user.role, 'operator')) return html`<${RepositoryWizard} />`;
  return html`<${RepositoryList} user=${user} />`;
}
