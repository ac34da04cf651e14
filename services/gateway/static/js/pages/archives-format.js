// Pure helpers of the Archives page: archive paths, entry kinds, and the URLs of the archives API
// and of the page itself. Pure so the browser tests can check them from the module as it ships.

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
