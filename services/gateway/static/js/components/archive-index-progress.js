// Shown while an archive's index is built on its first open: how many entries have been read, as a
// bar when the archive's file count says roughly how many to expect.
import { html } from '../html.js';
import { formatCount } from '../units.js';
import { ProgressBar } from './progress.js';

/** Percent done, or null when there is nothing to compare with. Capped below 100: folders count too. */
export function indexPercent(entries, total) {
  if (!total || total <= 0) return null;
  return Math.min(99, Math.floor((100 * (entries || 0)) / total));
}

export function IndexProgress({ index, total }) {
  const what = index.state === 'queued' ? 'Waiting to index this archive' : 'Indexing this archive';
  return html`
    <div class="index-progress">
      <p role="status"><strong>${what}…</strong> ${formatCount(index.entries || 0)} entries read. The folder opens when the index is ready; later opens are instant.</p>
      <${ProgressBar} percent=${indexPercent(index.entries, total)} label="Index build" />
    </div>`;
}
