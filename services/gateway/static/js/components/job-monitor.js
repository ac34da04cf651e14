// Follow one job: its state from the API, its progress pushed over SSE, and a cancel button for
// those who may use it. Polls slowly as well, so a lost event never leaves it stuck.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { get, post } from '../api.js';
import { isJobEvent, useEvents, useLiveProgress } from '../events.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { isFinal, jobHref, kindLabel } from '../jobs.js';
import { Link } from '../router.js';
import { hasRole } from '../session.js';
import { formatBytes, formatCount, formatDuration, formatRate } from '../units.js';
import { Alert } from './alert.js';
import { ProgressBar } from './progress.js';
import { StatusBadge } from './status.js';

const POLL_MS = 3000;

/** The job, kept current by events and a slow poll; `reload` asks at once. */
export function useJob(jobId) {
  const [state, setState] = useState({ job: null, error: '' });
  const reload = useCallback(async () => {
    if (!jobId) return;
    try {
      const job = await get(`/api/jobs/${encodeURIComponent(jobId)}`);
      setState({ job, error: '' });
    } catch (failure) {
      setState((previous) => ({ ...previous, error: failure.message }));
    }
  }, [jobId]);
  useEffect(() => {
    setState({ job: null, error: '' });
    reload();
  }, [reload]);
  useEvents((message) => {
    if (isJobEvent(message) && message.body.job_id === jobId) reload();
  });
  const final = state.job && isFinal(state.job.status);
  useEffect(() => {
    if (!jobId || final) return undefined;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [jobId, final, reload]);
  return { ...state, reload };
}

function Figures({ job, progress }) {
  const stats = progress ?? job.stats;
  const rows = [];
  if (stats) {
    rows.push(
      ['Files', formatCount(stats.files)],
      ['Original', formatBytes(stats.original_size)],
      ['Compressed', formatBytes(stats.compressed_size)],
      ['Deduplicated', formatBytes(stats.deduplicated_size)],
    );
  }
  if (progress) rows.push(['Rate', formatRate(progress.rate)], ['Time left', progress.eta_seconds == null ? 'estimating…' : formatDuration(progress.eta_seconds)]);
  else if (job.duration_seconds != null) rows.push(['Duration', formatDuration(job.duration_seconds)]);
  if (!rows.length) return null;
  return html`
    <dl class="figures">
      ${rows.map(([label, value]) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`)}
    </dl>`;
}

export function JobMonitor({ jobId, user, title, onFinished, detailsLink = true }) {
  const { job, error, reload } = useJob(jobId);
  const progress = useLiveProgress(jobId);
  const cancelling = useAction();
  const final = job && isFinal(job.status);

  useEffect(() => {
    if (final) onFinished?.(job);
  }, [final]);

  if (error && !job) return html`<${Alert} kind="error">${error}<//>`;
  if (!job) return html`<p class="muted" role="status">Loading the job…</p>`;

  const cancel = () => cancelling.run(async () => {
    await post(`/api/jobs/${encodeURIComponent(job.id)}/cancel`);
    reload();
  });

  const running = job.status === 'running';
  const canCancel = !final && hasRole(user.role, 'operator');
  const live = running ? progress : null;
  let percent = live?.percent ?? null;
  if (final) percent = job.status === 'succeeded' || job.status === 'warning' ? 100 : null;
  const heading = title ?? `${kindLabel(job.kind)} job`;
  return html`
    <section class="job-monitor" aria-label=${heading} data-job=${job.id} data-status=${job.status}>
      <div class="job-monitor-head">
        <strong>${heading}</strong>
        <${StatusBadge} status=${job.status} />
        ${running && live?.percent != null && html`<span class="percent">${live.percent.toFixed(1)} %</span>`}
      </div>
      ${job.status === 'queued' && html`<p class="muted">Waiting for its turn: one borg runs at a time per repository.</p>`}
      ${(running || final) && !(final && percent === null) && html`<${ProgressBar} percent=${percent} label=${`${heading} progress`} />`}
      ${running && live?.message && !live.files && !live.original_size && html`<p class="muted">${live.message}</p>`}
      <${Figures} job=${job} progress=${live} />
      ${running && live?.path && html`<p class="current-file"><span class="muted">Current file</span> <code>${live.path}</code></p>`}
      ${final && job.stats?.archive_name && html`<p>Archive <strong class="archive-name">${job.stats.archive_name}</strong> ${job.status === 'succeeded' ? 'was created' : 'was written'}${job.finished_at ? ` at ${formatDate(job.finished_at)}` : ''}.</p>`}
      ${final && job.error && html`<${Alert} kind=${job.status === 'warning' || job.status === 'cancelled' ? 'warning' : 'error'}>${job.error}<//>`}
      ${cancelling.error && html`<${Alert} kind="error">${cancelling.error}<//>`}
      ${(canCancel || detailsLink) && html`
        <div class="actions start">
          ${canCancel && html`<button type="button" class="button danger" disabled=${cancelling.busy} onClick=${cancel}>${cancelling.busy ? 'Cancelling…' : 'Cancel job'}</button>`}
          ${detailsLink && html`<${Link} class="button" href=${jobHref(job.id)}>Log and details<//>`}
        </div>`}
    </section>`;
}
