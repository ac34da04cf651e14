// What changed in one archive against another (by default the one before it): counts of added,
// removed and modified entries, and the list, filterable by kind and folder. "Compare contents" asks
// for `borg diff` instead of the index's size-and-mtime comparison.
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.js';
import { html } from '../html.js';
import { formatDate } from '../format.js';
import { archiveApi, entryKind, kindName } from '../pages/archives-format.js';
import { formatBytes, formatCount } from '../units.js';
import { Alert } from './alert.js';
import { EntryIcon } from './archive-icons.js';
import { SelectField } from './field.js';
import { Pager } from './file-browser.js';

const LIMIT = 500;
const KINDS = [
  ['added', 'Added'],
  ['removed', 'Removed'],
  ['modified', 'Modified'],
];

function SizeChange({ change }) {
  if (change.change === 'modified' && change.old_size !== null && change.old_size !== undefined && change.old_size !== change.size) {
    return html`${formatBytes(change.old_size)} → ${formatBytes(change.size)}`;
  }
  return formatBytes(change.change === 'removed' ? (change.old_size ?? change.size) : change.size);
}

export function ArchiveChanges({ repoId, archive, archives, onOpen }) {
  const [base, setBase] = useState('');
  const [kind, setKind] = useState('');
  const [under, setUnder] = useState('');
  const [applied, setApplied] = useState('');
  const [offset, setOffset] = useState(0);
  const [content, setContent] = useState(false);
  const [state, setState] = useState({ data: null, error: '', loading: true });

  useEffect(() => {
    let alive = true;
    const query = new URLSearchParams({ offset: String(offset), limit: String(LIMIT) });
    if (base) query.set('base', base);
    if (kind) query.set('kind', kind);
    if (applied) query.set('path', applied);
    if (content) query.set('content', 'true');
    setState((previous) => ({ ...previous, loading: true }));
    get(archiveApi(repoId, archive, `/changes?${query}`))
      .then((data) => alive && setState({ data, error: '', loading: false }))
      .catch((failure) => alive && setState({ data: null, error: failure.message, loading: false }));
    return () => { alive = false; };
  }, [repoId, archive, base, kind, applied, offset, content]);

  const others = archives.filter((candidate) => candidate.name !== archive);
  const data = state.data;
  const shownTotal = data ? (kind ? data[kind] : data.added + data.removed + data.modified) : 0;
  const filter = (event) => {
    event.preventDefault();
    setOffset(0);
    setApplied(under.trim().replace(/^\/+|\/+$/g, ''));
  };

  return html`
    <div class="archive-changes" aria-busy=${state.loading ? 'true' : 'false'}>
      <div class="row changes-controls">
        <${SelectField}
          label="Compared with"
          value=${base}
          onValue=${(value) => { setBase(value); setOffset(0); }}
          options=${[['', 'The archive before it'], ...others.map((other) => [other.name, other.name])]}
          name="changes-base"
        />
        <form class="field under-filter" onSubmit=${filter}>
          <label for="changes-under">Only under folder</label>
          <div class="inline-input">
            <input id="changes-under" value=${under} onInput=${(event) => setUnder(event.currentTarget.value)} autocomplete="off" spellcheck=${false} placeholder="e.g. home/anna" />
            <button type="submit" class="button">Filter</button>
          </div>
        </form>
        <div class="field checkbox">
          <input id="changes-content" type="checkbox" checked=${content} disabled=${state.loading} onChange=${(event) => { setContent(event.currentTarget.checked); setOffset(0); }} />
          <label for="changes-content">Compare contents (slower, runs borg diff)</label>
        </div>
      </div>
      ${state.loading && content && html`<p class="muted" role="status">Comparing contents with borg diff…</p>`}
      ${state.error && html`<${Alert} kind="error">${state.error}<//>`}
      ${data && html`
        <p class="muted">Against <strong>${data.base || 'nothing (the oldest archive)'}</strong>${applied ? html`, under <code>${applied}</code>` : ''}.</p>
        <div class="change-counts" role="group" aria-label="Show changes of one kind">
          <button type="button" class="count-button" aria-pressed=${kind === '' ? 'true' : 'false'} onClick=${() => { setKind(''); setOffset(0); }}>
            <span class="count">${formatCount(data.added + data.removed + data.modified)}</span> all
          </button>
          ${KINDS.map(([value, label]) => html`
            <button type="button" class=${`count-button change-${value}`} aria-pressed=${kind === value ? 'true' : 'false'} onClick=${() => { setKind(value); setOffset(0); }}>
              <span class="count">${formatCount(data[value])}</span> ${label.toLowerCase()}
            </button>`)}
        </div>
        ${data.changes.length === 0
          ? html`<p class="muted" role="status">No changes${kind ? ` of this kind` : ''}.</p>`
          : html`
            <div class="table-wrap">
              <table class="table responsive change-table">
                <thead><tr><th scope="col">Change</th><th scope="col">Path</th><th scope="col">Size</th><th scope="col">Modified</th></tr></thead>
                <tbody>
                  ${data.changes.map((change) => {
                    const type = entryKind(change);
                    return html`
                      <tr key=${change.change + change.path}>
                        <td data-label="Change">
                          <span class=${`badge change-${change.change}`}>${change.change}</span>
                          ${change.content_changed === true && html` <span class="badge" title=${change.detail}>content</span>`}
                          ${change.content_changed === false && html` <span class="muted small" title=${change.detail}>metadata only</span>`}
                        </td>
                        <th scope="row" data-label="Path" class="hit-path">
                          <span class="entry-name">
                            <${EntryIcon} kind=${type} /><span class="visually-hidden">${kindName(type)}: </span>
                            ${change.change === 'removed'
                              ? html`<span>${change.path}</span>`
                              : html`<button type="button" class="link-button" onClick=${() => onOpen(change)}>${change.path}</button>`}
                          </span>
                        </th>
                        <td data-label="Size" class="nowrap"><${SizeChange} change=${change} /></td>
                        <td data-label="Modified" class="nowrap">${formatDate(change.mtime ?? change.old_mtime)}</td>
                      </tr>`;
                  })}
                </tbody>
              </table>
            </div>
            <${Pager} total=${shownTotal} offset=${offset} count=${data.changes.length} size=${LIMIT} onOffset=${setOffset} />`}`}
    </div>`;
}
