// Pure helpers of the Archives page: how sizes, durations and archive paths read, and the URLs of
// the archives API. Pure so the browser tests can check them from the module as it ships.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "1.5 MiB": powers of 1024, three significant digits; "—" when unknown. */
export function formatBytes(bytes) {
  if (bytes === null || bytes === undefined || Number.isNaN(Number(bytes))) return '—';
  let value = Number(bytes);
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

/** "4.2 s", "3 min 05 s", "2 h 07 min"; "—" when unknown. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return '—';
  const total = Number(seconds);
  if (total < 60) return `${total < 10 ? total.toFixed(1) : Math.round(total)} s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(total % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A whole number with thousands separators; "—" when unknown. */
export function formatCount(value) {
  if (value === null || value === undefined) return '—';
  return Number(value).toLocaleString('en');
}

/** The folder an archive path lies in: "a/b/c" → "a/b", "c" → "". */
export function parentPath(path) {
  const clean = (path || '').replace(/^\/+|\/+$/g, '');
  const cut = clean.lastIndexOf('/');
  return cut < 0 ? '' : clean.slice(0, cut);
}

/** The last part of an archive path: "a/b/c" → "c". */
export function baseName(path) {
  const clean = (path || '').replace(/^\/+|\/+$/g, '');
  return clean.slice(clean.lastIndexOf('/') + 1);
}

/** Breadcrumb steps from the archive's root to `path`: [{name, path}]. */
export function crumbs(path) {
  const parts = (path || '').split('/').filter(Boolean);
  return parts.map((name, index) => ({ name, path: parts.slice(0, index + 1).join('/') }));
}

const TYPE_NAMES = { d: 'Folder', '-': 'File', l: 'Symbolic link', h: 'Hard link' };

/** What an index entry is: folder, file, symbolic link or hard link (a file's second name). */
export function entryKind(entry) {
  if (entry.type === '-' && entry.hardlink) return 'h';
  return TYPE_NAMES[entry.type] ? entry.type : 'other';
}

export function kindName(kind) {
  return TYPE_NAMES[kind] ?? 'Special file';
}

/** The address of an archive's part of the API. */
export function archiveApi(repoId, archive, rest = '') {
  return `/api/repositories/${encodeURIComponent(repoId)}/archives/${encodeURIComponent(archive)}${rest}`;
}

/** The download URL of one file (no format) or of a selection as a tar stream. */
export function downloadUrl(repoId, archive, paths, format) {
  const query = new URLSearchParams();
  for (const path of paths) query.append('path', path);
  if (format) query.set('format', format);
  return archiveApi(repoId, archive, `/download?${query}`);
}

/** Where the Archives page shows something: its state lives in the address, so Back works. */
export function archivesHref({ repo, archive, path, view, focus } = {}) {
  const query = new URLSearchParams();
  if (repo) query.set('repo', repo);
  if (archive) query.set('archive', archive);
  if (path) query.set('path', path);
  if (view) query.set('view', view);
  if (focus) query.set('focus', focus);
  const text = query.toString();
  return text ? `/archives?${text}` : '/archives';
}
