// Small line icons for entries of an archive: folder, file, symbolic link, hard link. They are
// decoration; the entry's kind is also given as text for screen readers.
import { html } from '../html.js';

const PATHS = {
  d: 'M3 6.5A1.5 1.5 0 0 1 4.5 5h4l2 2h8A1.5 1.5 0 0 1 20 8.5v9a1.5 1.5 0 0 1-1.5 1.5h-14A1.5 1.5 0 0 1 3 17.5z',
  '-': 'M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM14 3v4h4',
  l: 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1 1M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1-1',
  h: 'M6 3h8l4 4v13a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM9 12h6M9 16h6M14 3v4h4',
  other: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18zM12 8v5M12 16v.5',
};

export function EntryIcon({ kind }) {
  return html`
    <svg class=${`entry-icon kind-${kind === '-' ? 'file' : kind}`} viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d=${PATHS[kind] ?? PATHS.other} fill=${kind === 'd' ? 'currentColor' : 'none'} fill-opacity=${kind === 'd' ? '0.18' : undefined} stroke="currentColor" stroke-width="1.7" stroke-linecap="round" stroke-linejoin="round" />
    </svg>`;
}
