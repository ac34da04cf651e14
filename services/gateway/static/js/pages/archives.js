// Archives: pick a repository, then browse, search, compare, restore and download what its backups
// kept. Where you are (repository, archive, folder, view) lives in the address, so Back, reload and
// bookmarks work.
import { useEffect, useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { get, post } from '../api.js';
import { Alert } from '../components/alert.js';
import { ArchiveChanges } from '../components/archive-changes.js';
import { ArchiveList } from '../components/archive-list.js';
import { ArchiveRestore } from '../components/archive-restore.js';
import { ArchiveSearch } from '../components/archive-search.js';
import { ArchiveVersions } from '../components/archive-versions.js';
import { SelectField } from '../components/field.js';
import { FileBrowser, PAGE_SIZE } from '../components/file-browser.js';
import { PageHeader } from '../components/panel.js';
import { download } from '../download.js';
import { useLiveProgress } from '../events.js';
import { formatDate } from '../format.js';
import { html } from '../html.js';
import { useResource } from '../resource.js';
import { Link, navigate, Redirect, useLocation } from '../router.js';
import { hasRole } from '../session.js';
import { archiveApi, archivesHref, baseName, downloadUrl, parentPath } from './archives-format.js';
import { useListing } from './archives-listing.js';

/** Downloads started from anywhere on the page, with one place for their news. */
function useDownloads(repoId) {
  const [state, setState] = useState({ busy: '', error: '' });
  const start = async ({ archive, paths, format, name }) => {
    const fallback = name ?? (paths.length === 1 ? baseName(paths[0]) || archive : archive);
    const file = format ? `${fallback}.${format}` : fallback;
    setState({ busy: file, error: '' });
    try {
      await download(downloadUrl(repoId, archive, paths, format), file);
      setState({ busy: '', error: '' });
    } catch (failure) {
      setState({ busy: '', error: failure.message });
    }
  };
  return { ...state, start };
}

function ArchiveTabs({ repoId, archive, view }) {
  const tabs = [
    ['', 'Files'],
    ['changes', 'What changed'],
  ];
  return html`
    <nav class="archive-tabs" aria-label="Archive views">
      ${tabs.map(([value, label]) => html`
        <${Link} class="tab" href=${archivesHref({ repo: repoId, archive, view: value })} aria-current=${(view || '') === value ? 'page' : undefined}>${label}<//>`)}
    </nav>`;
}

function ArchiveView({ repoId, archives, archive, path, view, focus, user, onDownload, onVersions, reloadArchives }) {
  const [sort, setSort] = useState({ sort: 'name', order: 'asc' });
  // A page offset belongs to one folder: a new folder starts at its first page.
  const [paging, setPaging] = useState({ at: '', offset: 0 });
  const here = `${archive}\n${path}`;
  const offset = paging.at === here ? paging.offset : 0;
  const setOffset = (value) => setPaging({ at: here, offset: value });
  const [generation, setGeneration] = useState(0);
  const [restoring, setRestoring] = useState(null);
  const [rebuildError, setRebuildError] = useState('');
  const canRestore = hasRole(user.role, 'operator');
  const current = archives.find((candidate) => candidate.name === archive);
  const browsing = view !== 'changes';

  const listing = useListing({
    repoId, archive: browsing ? archive : null, path, sort: sort.sort, order: sort.order, offset, limit: PAGE_SIZE, generation,
  });
  // Entries read arrive faster over the event stream than by asking again.
  const live = useLiveProgress(listing.indexing?.job_id ?? null);
  const indexing = listing.indexing && {
    ...listing.indexing,
    entries: Math.max(listing.indexing.entries ?? 0, live?.entries ?? live?.files ?? 0),
  };
  const wasIndexing = listing.indexing !== null;
  useEffect(() => {
    if (!wasIndexing && listing.listing) reloadArchives();
  }, [wasIndexing]);

  const open = (to, from) => navigate(archivesHref({ repo: repoId, archive, path: to, focus: from }));
  const rebuild = async () => {
    setRebuildError('');
    try {
      await post(archiveApi(repoId, archive, '/index'));
      setGeneration(generation + 1);
    } catch (failure) {
      setRebuildError(failure.message);
    }
  };

  return html`
    <section class="panel archive-view" aria-labelledby="archive-title">
      <div class="archive-view-head">
        <div>
          <h2 id="archive-title">${archive}</h2>
          ${current && html`<p class="muted">${formatDate(current.start)}${current.hostname ? ` · ${current.hostname}` : ''}${current.comment ? ` · ${current.comment}` : ''}</p>`}
        </div>
        <${SelectField}
          label="Archive"
          value=${archive}
          onValue=${(name) => navigate(archivesHref({ repo: repoId, archive: name, view }))}
          options=${archives.map((candidate) => [candidate.name, `${candidate.name} (${formatDate(candidate.start)})`])}
          name="archive-choice"
        />
      </div>
      <${ArchiveTabs} repoId=${repoId} archive=${archive} view=${view} />
      ${rebuildError && html`<${Alert} kind="error">${rebuildError}<//>`}
      ${browsing
        ? html`<${FileBrowser}
            archive=${archive}
            path=${path}
            focus=${focus}
            listing=${listing.listing}
            indexing=${indexing}
            indexTotal=${current?.files}
            error=${listing.error}
            loading=${listing.loading}
            sort=${sort.sort}
            order=${sort.order}
            offset=${offset}
            canRestore=${canRestore}
            onSort=${(column, order) => { setSort({ sort: column, order }); setOffset(0); }}
            onOffset=${setOffset}
            onOpen=${open}
            onVersions=${(entry) => onVersions(entry.path)}
            onRestore=${(paths) => setRestoring(paths)}
            onDownload=${(paths, format, name) => onDownload({ archive, paths, format, name })}
            onRebuild=${canRestore ? rebuild : null}
          />`
        : html`<${ArchiveChanges}
            repoId=${repoId}
            archive=${archive}
            archives=${archives}
            onOpen=${(change) => navigate(archivesHref({ repo: repoId, archive, path: parentPath(change.path), focus: change.path }))}
          />`}
    </section>
    ${restoring && html`<${ArchiveRestore} repoId=${repoId} archive=${archive} paths=${restoring} user=${user} onClose=${() => setRestoring(null)} />`}`;
}

function RepositoryArchives({ repoId, query, user }) {
  const archives = useResource(`/api/repositories/${encodeURIComponent(repoId)}/archives`);
  const downloads = useDownloads(repoId);
  const [versionsOf, setVersionsOf] = useState(null);
  const archive = query.get('archive') || '';
  const list = archives.data?.archives ?? [];
  const refresh = useAction();
  const refreshList = () => refresh.run(async () => {
    await get(`/api/repositories/${encodeURIComponent(repoId)}/archives?refresh=1`);
    await archives.reload();
  });
  const goTo = (name, path, focus, view) => navigate(archivesHref({ repo: repoId, archive: name, path, focus, view }));

  return html`
    <${ArchiveSearch}
      repoId=${repoId}
      onOpen=${(hit) => goTo(hit.archives[0], parentPath(hit.path), hit.path)}
      onVersions=${(hit) => setVersionsOf(hit.path)}
    />
    ${downloads.busy && html`<${Alert} kind="info">Preparing ${downloads.busy}… the browser saves it when it has arrived.<//>`}
    ${downloads.error && html`<${Alert} kind="error">${downloads.error}<//>`}
    ${archives.error && html`<${Alert} kind="error">${archives.error}<//>`}
    ${archive && archives.data
      ? html`
        <p class="back-link"><${Link} href=${archivesHref({ repo: repoId })}>← All archives<//></p>
        <${ArchiveView}
          repoId=${repoId}
          archives=${list}
          archive=${archive}
          path=${query.get('path') || ''}
          view=${query.get('view') || ''}
          focus=${query.get('focus') || ''}
          user=${user}
          onDownload=${downloads.start}
          onVersions=${setVersionsOf}
          reloadArchives=${archives.reload}
        />`
      : html`
        <section class="panel" aria-labelledby="archives-title" aria-busy=${archives.loading ? 'true' : 'false'}>
          <div class="panel-head">
            <h2 id="archives-title">Archives${archives.data ? html` <span class="badge quiet">${list.length}</span>` : ''}</h2>
            <button type="button" class="button small" disabled=${refresh.busy} onClick=${refreshList} title="Read the list from the repository again, e.g. after backups made elsewhere">
              ${refresh.busy ? 'Reading…' : 'Read again from the repository'}
            </button>
          </div>
          ${refresh.error && html`<${Alert} kind="error">${refresh.error}<//>`}
          ${archives.loading && !archives.data && html`<p class="muted" role="status">Loading the archives…</p>`}
          ${archives.data && html`<${ArchiveList} archives=${list} onBrowse=${(item) => goTo(item.name)} onChanges=${(item) => goTo(item.name, '', '', 'changes')} />`}
        </section>`}
    ${versionsOf && html`
      <${ArchiveVersions}
        repoId=${repoId}
        path=${versionsOf}
        onClose=${() => setVersionsOf(null)}
        onOpenFolder=${(name, path) => { setVersionsOf(null); goTo(name, parentPath(path), path); }}
        onDownload=${downloads.start}
      />`}`;
}

export function ArchivesPage({ user }) {
  const { query } = useLocation();
  const repositories = useResource('/api/repositories');
  const items = repositories.data?.items ?? [];
  const repoId = query.get('repo') || '';

  if (repositories.data && items.length && !items.some((item) => item.id === repoId)) {
    return html`<${Redirect} to=${archivesHref({ repo: items[0].id })} />`;
  }
  return html`
    <${PageHeader} title="Archives">Browse, search, compare, restore and download what the backups kept.<//>
    ${repositories.error && html`<${Alert} kind="error">${repositories.error}<//>`}
    ${repositories.loading && !repositories.data && html`<p class="muted" role="status">Loading the repositories…</p>`}
    ${repositories.data && !items.length && html`
      <section class="panel">
        <p>There are no repositories yet.</p>
        <p><${Link} href="/repositories">Create or import one on the Repositories page.<//></p>
      </section>`}
    ${repoId && items.length > 0 && html`
      <div class="repo-picker">
        <${SelectField}
          label="Repository"
          value=${repoId}
          onValue=${(id) => navigate(archivesHref({ repo: id }))}
          options=${items.map((item) => [item.id, item.name])}
          name="archives-repository"
        />
      </div>
      <${RepositoryArchives} key=${repoId} repoId=${repoId} query=${query} user=${user} />`}`;
}
