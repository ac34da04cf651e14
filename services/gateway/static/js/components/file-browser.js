// The folder view of one archive: breadcrumb, sortable columns, paging, selection, and keyboard
// navigation (arrows move, Enter opens, Backspace goes up, Space selects). The table is one Tab
// stop; the row with focus is the "active" one (roving tabindex), as in a file manager.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../html.js';
import { formatDate } from '../format.js';
import { baseName, crumbs, entryKind, kindName, parentPath } from '../pages/archives-format.js';
import { formatBytes, formatCount } from '../units.js';
import { Alert } from './alert.js';
import { EntryIcon } from './archive-icons.js';
import { IndexProgress } from './archive-index-progress.js';

export const PAGE_SIZE = 200;

const COLUMNS = [
  ['name', 'Name'],
  ['size', 'Size'],
  ['mtime', 'Modified'],
];

function SortHeader({ column, label, sort, order, onSort }) {
  const active = sort === column;
  const next = active && order === 'asc' ? 'desc' : 'asc';
  return html`
    <th scope="col" class=${`col-${column}`} aria-sort=${active ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" class="sort-button" onClick=${() => onSort(column, active ? next : 'asc')}>
        ${label}<span class="sort-mark" aria-hidden="true">${active ? (order === 'asc' ? '▲' : '▼') : ''}</span>
        <span class="visually-hidden">${active ? `, sorted ${order === 'asc' ? 'ascending' : 'descending'}` : ', sort'}</span>
      </button>
    </th>`;
}

function Breadcrumb({ archive, path, onOpen }) {
  const steps = crumbs(path);
  return html`
    <nav class="archive-crumbs" aria-label="Folder path">
      <ol>
        <li>
          ${steps.length
            ? html`<button type="button" class="crumb" onClick=${() => onOpen('', steps[0].path)}>${archive}</button>`
            : html`<span aria-current="location">${archive}</span>`}
        </li>
        ${steps.map((step, index) => html`
          <li>
            ${index === steps.length - 1
              ? html`<span aria-current="location">${step.name}</span>`
              : html`<button type="button" class="crumb" onClick=${() => onOpen(step.path, steps[index + 1].path)}>${step.name}</button>`}
          </li>`)}
      </ol>
    </nav>`;
}

function EntryName({ entry, kind, onActivate }) {
  const label = kind === 'd' ? `Open folder ${entry.name}` : `Versions of ${entry.name}`;
  return html`
    <span class="entry-name">
      <${EntryIcon} kind=${kind} />
      <span class="visually-hidden">${kindName(kind)}: </span>
      <button type="button" class="link-button" tabindex="-1" title=${label} onClick=${onActivate}>${entry.name}</button>
      ${kind === 'l' && entry.target && html`<span class="muted link-target"> → ${entry.target}</span>`}
      ${kind === 'h' && html`<span class="badge quiet">hard link</span>`}
    </span>`;
}

function EntrySize({ entry, kind }) {
  if (kind === 'd') {
    return html`${formatBytes(entry.size)}${entry.total_files !== null && entry.total_files !== undefined
      ? html`<span class="muted sub">${formatCount(entry.total_files)} files</span>` : ''}`;
  }
  return kind === 'l' ? html`<span class="muted">—</span>` : formatBytes(entry.size);
}

/** Previous/next through `total` rows, `size` at a time; nothing when one page holds them all. */
export function Pager({ total, offset, count, size = PAGE_SIZE, onOffset }) {
  if (total <= size) return null;
  const first = offset + 1;
  const last = offset + count;
  return html`
    <div class="archive-pager">
      <button type="button" class="button small" disabled=${offset === 0} onClick=${() => onOffset(Math.max(0, offset - size))}>Previous</button>
      <span role="status">${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}</span>
      <button type="button" class="button small" disabled=${last >= total} onClick=${() => onOffset(offset + size)}>Next</button>
    </div>`;
}

function Selection({ selected, entries, canRestore, onRestore, onDownload, onClear }) {
  if (!selected.size) {
    return html`<p class="muted selection-hint">Select entries with their boxes (or Space) to restore or download them; Enter opens, Backspace goes up.</p>`;
  }
  const paths = [...selected];
  const chosen = entries.filter((entry) => selected.has(entry.path));
  const single = paths.length === 1 && chosen.length === 1 && entryKind(chosen[0]) !== 'd' ? chosen[0] : null;
  return html`
    <div class="selection-bar" role="region" aria-label="Selection">
      <span><strong>${paths.length}</strong> selected</span>
      <div class="row-buttons">
        ${canRestore && html`<button type="button" class="button small primary" onClick=${() => onRestore(paths)}>Restore…</button>`}
        ${single
          ? html`<button type="button" class="button small" onClick=${() => onDownload(paths, null, single.name)}>Download</button>`
          : html`
            <button type="button" class="button small" onClick=${() => onDownload(paths, 'tar')}>Download .tar</button>
            <button type="button" class="button small" onClick=${() => onDownload(paths, 'tar.gz')}>Download .tar.gz</button>`}
        <button type="button" class="button small subtle" onClick=${onClear}>Clear</button>
      </div>
    </div>`;
}

export function FileBrowser({ archive, path, focus, listing, indexing, indexTotal, error, loading, sort, order, offset, canRestore, onSort, onOffset, onOpen, onVersions, onRestore, onDownload, onRebuild }) {
  const [active, setActive] = useState(0);
  const [selected, setSelected] = useState(() => new Set());
  const rows = useRef([]);
  const table = useRef(null);
  // Focus follows the active row only once the user works inside the table, never on page load.
  const keepFocus = useRef(false);
  const entries = listing?.entries ?? [];

  useEffect(() => setSelected(new Set()), [archive, path]);
  useEffect(() => {
    const at = focus ? entries.findIndex((entry) => entry.path === focus) : -1;
    setActive(at >= 0 ? at : 0);
    if (at >= 0) keepFocus.current = true;
  }, [listing, focus]);
  useEffect(() => {
    if (keepFocus.current) rows.current[active]?.focus();
  }, [active, listing, focus]);

  const activate = (entry) => {
    keepFocus.current = true;
    if (entryKind(entry) === 'd') onOpen(entry.path);
    else onVersions(entry);
  };
  const toggle = (entry) => {
    const next = new Set(selected);
    if (next.has(entry.path)) next.delete(entry.path);
    else next.add(entry.path);
    setSelected(next);
  };
  const goUp = () => {
    if (!path) return;
    keepFocus.current = true;
    onOpen(parentPath(path), path);
  };

  const onKeyDown = (event) => {
    if (event.target.closest('thead') || !entries.length) return;
    const move = (to) => {
      event.preventDefault();
      keepFocus.current = true;
      setActive(Math.max(0, Math.min(entries.length - 1, to)));
    };
    const entry = entries[active];
    // While the next folder loads the rows on screen are the old ones: opening one would surprise.
    if (loading && (event.key === 'Enter' || event.key === 'Backspace')) {
      event.preventDefault();
      return undefined;
    }
    switch (event.key) {
      case 'ArrowDown': return move(active + 1);
      case 'ArrowUp': return move(active - 1);
      case 'Home': return move(0);
      case 'End': return move(entries.length - 1);
      case 'PageDown': return move(active + 10);
      case 'PageUp': return move(active - 10);
      case 'Enter':
        event.preventDefault();
        return entry && activate(entry);
      case ' ':
        event.preventDefault();
        return entry && toggle(entry);
      case 'Backspace':
        event.preventDefault();
        return goUp();
      default:
        return undefined;
    }
  };

  const allOnPage = entries.length > 0 && entries.every((entry) => selected.has(entry.path));
  const toggleAll = () => {
    const next = new Set(selected);
    for (const entry of entries) {
      if (allOnPage) next.delete(entry.path);
      else next.add(entry.path);
    }
    setSelected(next);
  };

  return html`
    <div class="file-browser">
      <div class="browser-head">
        <${Breadcrumb} archive=${archive} path=${path} onOpen=${(to, from) => onOpen(to, from)} />
        ${path && html`<button type="button" class="button small" onClick=${goUp}>Up<span class="visually-hidden"> to ${baseName(parentPath(path)) || archive}</span></button>`}
      </div>
      ${error && html`
        <${Alert} kind="error">${error}<//>
        ${onRebuild && html`<button type="button" class="button small" onClick=${onRebuild}>Rebuild index</button>`}`}
      ${indexing && html`<${IndexProgress} index=${indexing} total=${indexTotal} />`}
      ${listing && html`
        <${Selection} selected=${selected} entries=${entries} canRestore=${canRestore} onRestore=${onRestore} onDownload=${onDownload} onClear=${() => setSelected(new Set())} />
        ${entries.length === 0
          ? html`<p class="muted empty-folder">This folder is empty.</p>`
          : html`
            <div class="table-wrap">
              <table ref=${table} class="table files" role="grid" aria-label=${`Contents of ${listing.path || archive}`} aria-multiselectable="true" aria-busy=${loading ? 'true' : 'false'} aria-rowcount=${listing.total + 1} onKeyDown=${onKeyDown}>
                <thead>
                  <tr aria-rowindex="1">
                    <th scope="col" class="col-select">
                      <input type="checkbox" checked=${allOnPage} onChange=${toggleAll} aria-label="Select every entry on this page" />
                    </th>
                    ${COLUMNS.map(([column, label]) => html`<${SortHeader} column=${column} label=${label} sort=${sort} order=${order} onSort=${onSort} />`)}
                  </tr>
                </thead>
                <tbody>
                  ${entries.map((entry, index) => {
                    const kind = entryKind(entry);
                    const isSelected = selected.has(entry.path);
                    return html`
                      <tr
                        key=${entry.path}
                        ref=${(node) => { rows.current[index] = node; }}
                        tabindex=${index === active ? '0' : '-1'}
                        aria-rowindex=${offset + index + 2}
                        aria-selected=${isSelected ? 'true' : 'false'}
                        class=${`entry kind-${kind === '-' ? 'file' : kind}${isSelected ? ' selected' : ''}`}
                        onFocus=${() => setActive(index)}
                      >
                        <td class="col-select">
                          <input type="checkbox" tabindex="-1" checked=${isSelected} onChange=${() => toggle(entry)} aria-label=${`Select ${entry.name}`} />
                        </td>
                        <td class="col-name"><${EntryName} entry=${entry} kind=${kind} onActivate=${() => activate(entry)} /><span class="muted sub narrow-only">${formatDate(entry.mtime)}</span></td>
                        <td class="col-size nowrap"><${EntrySize} entry=${entry} kind=${kind} /></td>
                        <td class="col-mtime nowrap">${formatDate(entry.mtime)}</td>
                      </tr>`;
                  })}
                </tbody>
              </table>
            </div>
            <${Pager} total=${listing.total} offset=${offset} count=${entries.length} onOffset=${onOffset} />`}`}
    </div>`;
}
