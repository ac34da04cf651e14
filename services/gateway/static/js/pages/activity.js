// Activity: every job with filters and paging (kept in the address, so a filtered view can be
// bookmarked), and one job's details with its live log (`?job=…`).
import { useEffect, useRef } from 'preact/hooks';
import { Alert } from '../components/alert.js';
import { SelectField } from '../components/field.js';
import { JobMonitor, useJob } from '../components/job-monitor.js';
import { LogViewer } from '../components/log-viewer.js';
import { PageHeader } from '../components/panel.js';
import { StatusBadge } from '../components/status.js';
import { isJobEvent, useEvents } from '../events.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { jobHref, KIND_LABELS, kindLabel, STATUS_LABELS } from '../jobs.js';
import { useResource } from '../resource.js';
import { Link, navigate, useLocation } from '../router.js';
import { formatBytes, formatDuration } from '../units.js';

export const PAGE_SIZE = 25;

/** The jobs API path for the filters in `query` (a URLSearchParams). */
export function jobsPath(query) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const name of ['repository_id', 'kind', 'status']) if (query.get(name)) params.set(name, query.get(name));
  const page = Math.max(1, Number.parseInt(query.get('page') ?? '1', 10) || 1);
  params.set('offset', String((page - 1) * PAGE_SIZE));
  return `/api/jobs?${params}`;
}

function withQuery(query, changes) {
  const next = new URLSearchParams(query);
  for (const [name, value] of Object.entries(changes)) {
    if (value) next.set(name, value);
    else next.delete(name);
  }
  const text = next.toString();
  return text ? `/activity?${text}` : '/activity';
}

function Filters({ query, repositories }) {
  const change = (name) => (value) => navigate(withQuery(query, { [name]: value, page: '' }));
  return html`
    <form class="row filters" onSubmit=${(event) => event.preventDefault()} aria-label="Filters">
      <${SelectField} label="Repository" value=${query.get('repository_id') ?? ''} onValue=${change('repository_id')} name="filter-repository"
        options=${[['', 'All repositories'], ...repositories.map((r) => [r.id, r.name])]} />
      <${SelectField} label="Kind" value=${query.get('kind') ?? ''} onValue=${change('kind')} name="filter-kind"
        options=${[['', 'All kinds'], ...Object.entries(KIND_LABELS)]} />
      <${SelectField} label="Status" value=${query.get('status') ?? ''} onValue=${change('status')} name="filter-status"
        options=${[['', 'Any status'], ...Object.entries(STATUS_LABELS)]} />
    </form>`;
}

function JobList({ query }) {
  const path = jobsPath(query);
  const jobs = useResource(path);
  const repositories = useResource('/api/repositories');
  const pending = useRef(null);
  useEvents((message) => {
    if (!isJobEvent(message)) return;
    // Events come in bursts (queued, started, finished): one reload for the lot.
    clearTimeout(pending.current);
    pending.current = setTimeout(jobs.reload, 300);
  });
  useEffect(() => () => clearTimeout(pending.current), []);
  const names = Object.fromEntries((repositories.data?.items ?? []).map((r) => [r.id, r.name]));
  const page = jobs.data ? Math.floor(jobs.data.offset / PAGE_SIZE) + 1 : 1;
  const pages = jobs.data ? Math.max(1, Math.ceil(jobs.data.total / PAGE_SIZE)) : 1;
  const items = jobs.data?.items ?? [];
  return html`
    <${PageHeader} title="Activity">Every job: what ran, when, and how it ended.<//>
    <section class="panel" aria-labelledby="jobs-title" aria-busy=${jobs.loading ? 'true' : 'false'}>
      <h2 id="jobs-title">Jobs</h2>
      <${Filters} query=${query} repositories=${repositories.data?.items ?? []} />
      ${jobs.error && html`<${Alert} kind="error">${jobs.error}<//>`}
      ${jobs.data && !items.length && html`<p class="muted">No jobs match.</p>`}
      ${items.length > 0 && html`
        <div class="table-wrap">
          <table class="table responsive">
            <thead><tr><th scope="col">Job</th><th scope="col">Repository</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Took</th><th scope="col">By</th><th scope="col">Result</th></tr></thead>
            <tbody>
              ${items.map((job) => html`
                <tr key=${job.id}>
                  <th scope="row" data-label="Job"><${Link} href=${jobHref(job.id)}>${kindLabel(job.kind)}<span class="visually-hidden"> job of ${formatDate(job.created_at)}</span><//></th>
                  <td data-label="Repository">${names[job.repository_id] ?? html`<span class="muted">removed</span>`}</td>
                  <td data-label="Status"><${StatusBadge} status=${job.status} /></td>
                  <td data-label="Started" class="nowrap">${formatDate(job.started_at ?? job.created_at)}</td>
                  <td data-label="Took" class="nowrap">${formatDuration(job.duration_seconds)}</td>
                  <td data-label="By">${job.actor ?? '—'}</td>
                  <td data-label="Result" class="result">${job.error ?? (job.stats?.archive_name ? `${job.stats.archive_name} (${formatBytes(job.stats.original_size)})` : '')}</td>
                </tr>`)}
            </tbody>
          </table>
        </div>`}
      ${jobs.data && pages > 1 && html`
        <nav class="pager" aria-label="Pages of jobs">
          ${page > 1 ? html`<${Link} class="button small" href=${withQuery(query, { page: String(page - 1) })}>Newer<//>` : html`<span></span>`}
          <span>Page ${page} of ${pages} (${jobs.data.total} jobs)</span>
          ${page < pages ? html`<${Link} class="button small" href=${withQuery(query, { page: String(page + 1) })}>Older<//>` : html`<span></span>`}
        </nav>`}
    </section>`;
}

function JobDetail({ jobId, user }) {
  const { job, error } = useJob(jobId);
  const repositories = useResource('/api/repositories');
  const repository = job && repositories.data?.items.find((r) => r.id === job.repository_id);
  return html`
    <p class="breadcrumb"><${Link} href="/activity">Activity<//> <span aria-hidden="true">›</span></p>
    <${PageHeader} title=${job ? `${kindLabel(job.kind)} job` : 'Job'}>${job && formatDate(job.created_at)}<//>
    ${error && !job && html`<${Alert} kind="error">${error}<//>`}
    ${job && html`
      <section class="panel" aria-labelledby="job-title">
        <h2 id="job-title" class="visually-hidden">State</h2>
        <${JobMonitor} jobId=${jobId} user=${user} title=${kindLabel(job.kind)} detailsLink=${false} />
        <dl class="facts">
          <dt>Repository</dt><dd>${repository ? html`<${Link} href=${`/repositories?id=${encodeURIComponent(repository.id)}`}>${repository.name}<//>` : job.repository_id}</dd>
          <dt>Started by</dt><dd>${job.actor ?? '—'}</dd>
          <dt>Queued</dt><dd>${formatDate(job.created_at)}</dd>
          <dt>Started</dt><dd>${formatDate(job.started_at)}</dd>
          <dt>Finished</dt><dd>${formatDate(job.finished_at)}</dd>
        </dl>
        ${job.error_lines?.length > 0 && html`<details><summary>Last error lines</summary><pre class="log short">${job.error_lines.join('\n')}</pre></details>`}
        <details><summary>Options</summary><pre class="log short">${JSON.stringify(job.params, null, 2)}</pre></details>
        ${job.result && html`<details><summary>Result</summary><pre class="log short">${JSON.stringify(job.result, null, 2)}</pre></details>`}
      </section>`}
    <${LogViewer} jobId=${jobId} />`;
}

export function ActivityPage({ user }) {
  const { query } = useLocation();
  const jobId = query.get('job');
  if (jobId) return html`<${JobDetail} key=${jobId} jobId=${jobId} user=${user} />`;
  return html`<${JobList} query=${query} />`;
}
