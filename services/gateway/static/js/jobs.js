// What jobs and repositories mean on screen: names of kinds and statuses, tones, health. Pure.
import { parseTime } from './units.js';

export const KIND_LABELS = {
  backup: 'Backup',
  prune: 'Prune',
  compact: 'Compact',
  check: 'Check',
  delete_archives: 'Delete archives',
  rename_archive: 'Rename archive',
  break_lock: 'Break lock',
};

export const STATUS_LABELS = {
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  warning: 'Warning',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

/** A job kind's name on screen; an unknown kind shows as sent. */
export function kindLabel(kind) {
  return KIND_LABELS[kind] ?? kind;
}

/** Where one job's details and log are shown. */
export function jobHref(id) {
  return `/activity?job=${encodeURIComponent(id)}`;
}

export const FINAL_STATUSES = new Set(['succeeded', 'warning', 'failed', 'cancelled', 'interrupted']);

export function isFinal(status) {
  return FINAL_STATUSES.has(status);
}

/** The colour family of a status: ok, warning, error, active or quiet. */
export function statusTone(status) {
  if (status === 'succeeded') return 'ok';
  if (status === 'warning') return 'warning';
  if (status === 'failed' || status === 'interrupted') return 'error';
  if (status === 'running' || status === 'queued') return 'active';
  return 'quiet';
}

// A repository whose last backup is older than this is shown as needing attention.
export const STALE_AFTER_HOURS = 48;

/**
 * How a repository is doing, from its figures and its latest backup job (either may be missing):
 * `{tone, label}` where tone is one of statusTone's.
 */
export function repositoryHealth(repository, lastBackup, now = Date.now()) {
  if (lastBackup && (lastBackup.status === 'running' || lastBackup.status === 'queued')) {
    return { tone: 'active', label: lastBackup.status === 'running' ? 'Backing up' : 'Backup queued' };
  }
  if (lastBackup && statusTone(lastBackup.status) === 'error') {
    return { tone: 'error', label: `Last backup ${STATUS_LABELS[lastBackup.status].toLowerCase()}` };
  }
  const last = repository.stats?.last_backup_at ?? lastBackup?.finished_at ?? null;
  if (!last) return { tone: 'quiet', label: 'No backup yet' };
  const hours = (now - parseTime(last)) / 3600000;
  if (hours > STALE_AFTER_HOURS) return { tone: 'warning', label: 'Backup overdue' };
  if (lastBackup?.status === 'warning') return { tone: 'warning', label: 'Last backup had warnings' };
  if (lastBackup?.status === 'cancelled') return { tone: 'warning', label: 'Last backup cancelled' };
  return { tone: 'ok', label: 'Healthy' };
}

/** The latest job per repository from a newest-first list. */
export function latestByRepository(jobs) {
  const latest = {};
  for (const job of jobs) if (!latest[job.repository_id]) latest[job.repository_id] = job;
  return latest;
}

/** Estimate how hard a passphrase is to guess: `{score 0-4, label}`; length counts most. */
export function passphraseStrength(text) {
  if (!text) return { score: 0, label: 'Empty' };
  let pool = 0;
  if (/[a-z]/.test(text)) pool += 26;
  if (/[A-Z]/.test(text)) pool += 26;
  if (/[0-9]/.test(text)) pool += 10;
  if (/[^A-Za-z0-9]/.test(text)) pool += 33;
  const distinct = new Set(text).size;
  // Repeats ("aaaaaaaa") add little: count at most the distinct characters twice over.
  const effective = Math.min(text.length, distinct * 2);
  const bits = effective * Math.log2(Math.max(pool, 2));
  if (bits < 40) return { score: 1, label: 'Weak' };
  if (bits < 64) return { score: 2, label: 'Fair' };
  if (bits < 90) return { score: 3, label: 'Good' };
  return { score: 4, label: 'Strong' };
}
