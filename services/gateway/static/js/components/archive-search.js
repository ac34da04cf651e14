// Search every indexed archive of a repository by name (a glob when it has * ? or [, else a
// substring), optionally under a folder and within a date range; each hit lists its archives.
import { useState } from 'preact/hooks';
import { useAction } from '../action.js';
import { get } from '../api.js';
import { html } from '../html.js';
import { formatDate } from '../format.js';
import { baseName, entryKind, kindName, parentPath } from '../pages/archives-format.js';
import { formatBytes, formatCount } from '../units.js';
import { Alert } from './alert.js';
import { EntryIcon } from './archive-icons.js';
import { Field } from './field.js';

const LIMIT = 200;

function searchQuery({ text, under, after, before }) {
  const query = new URLSearchParams({ q: text.trim(), limit: String(LIMIT) });
  if (under.trim()) query.set('path', under.trim().replace(/^\/+/, ''));
  if (after) query.set('after', after);
  if (before) query.set('before', before);
  return query;
}

function ArchiveNames({ names }) {
  const [first, ...rest] = names;
  return html`
    <span class="hit-archives" title=${names.join('\n')}>
      ${formatCount(names.length)} ${names.length === 1 ? 'archive' : 'archives'}<span class="muted">: ${first}${rest.length ? ` and ${formatCount(rest.length)} older` : ''}</span>
    </span>`;
}

function Hits({ result, onOpen, onVersions }) {
  if (!result.hits.length) return html`<p class="muted" role="status">Nothing matches in the indexed archives.</p>`;
  return html`
    <p class="muted" role="status">${result.hits.length >= LIMIT ? `The first ${LIMIT} matches` : `${formatCount(result.hits.length)} ${result.hits.length === 1 ? 'match' : 'matches'}`}.</p>
    <div class="table-wrap">
      <table class="table responsive hits">
        <thead>
          <tr><th scope="col">Found</th><th scope="col">Size</th><th scope="col">Modified</th><th scope="col">In</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
        </thead>
        <tbody>
          ${result.hits.map((hit) => {
            const kind = entryKind(hit);
            const name = baseName(hit.path);
            return html`
              <tr key=${hit.path}>
                <th scope="row" data-label="Found" class="hit-path">
                  <span class="entry-name">
                    <${EntryIcon} kind=${kind} /><span class="visually-hidden">${kindName(kind)}: </span>
                    <button type="button" class="link-button" onClick=${() => onOpen(hit)} title=${`Open the folder holding ${name} in ${hit.archives[0]}`}>
                      <span class="hit-folder">${parentPath(hit.path) ? `${parentPath(hit.path)}/` : ''}</span><strong>${name}</strong>
                    </button>
                  </span>
                </th>
                <td data-label="Size" class="nowrap">${kind === 'l' ? '—' : formatBytes(hit.size)}</td>
                <td data-label="Modified" class="nowrap">${formatDate(hit.mtime)}</td>
                <td data-label="In"><${ArchiveNames} names=${hit.archives} /></td>
                <td class="row-actions">
                  ${kind !== 'd' && html`<button type="button" class="button small" onClick=${() => onVersions(hit)}>Versions<span class="visually-hidden"> of ${name}</span></button>`}
                </td>
              </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
}

export function ArchiveSearch({ repoId, onOpen, onVersions }) {
  const [form, setForm] = useState({ text: '', under: '', after: '', before: '' });
  const [result, setResult] = useState(null);
  const { busy, error, setError, run } = useAction();
  const set = (name) => (value) => setForm({ ...form, [name]: value });

  const submit = async (event) => {
    event.preventDefault();
    if (!form.text.trim()) {
      setError('Type part of a file name, or a pattern such as *.pdf.');
      return;
    }
    // A failed search clears the old hits (run resolves to undefined).
    setResult((await run(() => get(`/api/repositories/${encodeURIComponent(repoId)}/search?${searchQuery(form)}`))) ?? null);
  };

  return html`
    <section class="panel search-panel" aria-labelledby="archive-search-title">
      <h2 id="archive-search-title">Search all archives</h2>
      <form class="search-form" role="search" onSubmit=${submit}>
        <div class="search-row">
          <${Field} label="File or folder name" type="search" value=${form.text} onValue=${set('text')} name="archive-search" autocomplete="off" spellcheck=${false} hint="Part of a name, or a pattern with * ? [ ] such as *.pdf." />
          <button type="submit" class="button primary" disabled=${busy}>${busy ? 'Searching…' : 'Search'}</button>
        </div>
        <details class="search-filters">
          <summary>More filters</summary>
          <div class="row">
            <${Field} label="Only under folder" value=${form.under} onValue=${set('under')} name="search-under" autocomplete="off" spellcheck=${false} hint="A path inside the archive, e.g. home/anna/Documents." />
            <${Field} label="Modified after" type="date" value=${form.after} onValue=${set('after')} name="search-after" />
            <${Field} label="Modified before" type="date" value=${form.before} onValue=${set('before')} name="search-before" />
          </div>
        </details>
      </form>
      ${error && html`<${Alert} kind="error">${error}<//>`}
      ${result?.unindexed_archives?.length > 0 && html`
        <${Alert} kind="info">
          ${formatCount(result.unindexed_archives.length)} ${result.unindexed_archives.length === 1 ? 'archive is' : 'archives are'} not indexed yet and ${result.unindexed_archives.length === 1 ? 'was' : 'were'} not searched; opening an archive indexes it.
        <//>`}
      ${result && html`<${Hits} result=${result} onOpen=${onOpen} onVersions=${onVersions} />`}
    </section>`;
}
