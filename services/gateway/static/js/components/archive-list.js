// The archives of one repository, newest first, with their figures and the state of their index.
import { useState } from 'preact/hooks';
import { html } from '../html.js';
import { formatDate } from '../format.js';
import { formatBytes, formatCount, formatDuration } from '../units.js';

const SHOWN = 25;

/** The index state as a short badge: whether opening the archive is instant. */
export function IndexBadge({ index }) {
  const state = index?.state ?? 'none';
  const text = {
    none: 'not indexed',
    queued: 'index queued',
    building: `indexing… ${formatCount(index?.entries ?? 0)}`,
    ready: 'indexed',
    failed: 'index failed',
  }[state] ?? state;
  return html`<span class=${`badge index-${state}`} title=${state === 'ready' ? `${formatCount(index.entries)} entries` : undefined}>${text}</span>`;
}

export function ArchiveList({ archives, onBrowse, onChanges }) {
  const [all, setAll] = useState(false);
  if (!archives.length) {
    return html`<p class="muted">This repository has no archives yet. Run a backup to make one.</p>`;
  }
  const shown = all ? archives : archives.slice(0, SHOWN);
  return html`
    <div class="table-wrap">
      <table class="table responsive archives">
        <thead>
          <tr>
            <th scope="col">Archive</th><th scope="col">Time</th><th scope="col">Size</th><th scope="col">Files</th>
            <th scope="col">Duration</th><th scope="col">Index</th><th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${shown.map((archive, position) => html`
            <tr key=${archive.id || archive.name}>
              <th scope="row" data-label="Archive" class="archive-name">
                <button type="button" class="link-button" onClick=${() => onBrowse(archive)}>${archive.name}</button>
              </th>
              <td data-label="Time" class="nowrap">${formatDate(archive.start)}</td>
              <td data-label="Size" class="nowrap">${formatBytes(archive.original_size)}</td>
              <td data-label="Files" class="nowrap">${formatCount(archive.files)}</td>
              <td data-label="Duration" class="nowrap">${formatDuration(archive.duration_seconds)}</td>
              <td data-label="Index"><${IndexBadge} index=${archive.index} /></td>
              <td class="row-actions">
                ${position < archives.length - 1 && html`
                  <button type="button" class="button small" onClick=${() => onChanges(archive)}>Changes<span class="visually-hidden"> in ${archive.name}</span></button>`}
              </td>
            </tr>`)}
        </tbody>
      </table>
    </div>
    ${archives.length > SHOWN && html`
      <button type="button" class="button small" onClick=${() => setAll(!all)}>
        ${all ? `Show the newest ${SHOWN}` : `Show all ${formatCount(archives.length)} archives`}
      </button>`}`;
}
