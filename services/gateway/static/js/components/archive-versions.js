// Every archive that holds one path, oldest first, marking where it changed; any version can be
// downloaded or its folder opened.
import { html } from '../html.js';
import { formatDate } from '../format.js';
import { baseName } from '../pages/archives-format.js';
import { useResource } from '../resource.js';
import { formatBytes, formatCount } from '../units.js';
import { Alert } from './alert.js';
import { Dialog } from './dialog.js';

function ChangeMark({ version, first }) {
  if (first) return html`<span class="badge">first seen</span>`;
  return version.changed ? html`<span class="badge changed">changed</span>` : html`<span class="badge quiet">same</span>`;
}

export function ArchiveVersions({ repoId, path, onClose, onOpenFolder, onDownload }) {
  const state = useResource(`/api/repositories/${encodeURIComponent(repoId)}/versions?${new URLSearchParams({ path })}`);
  const name = baseName(path);
  const versions = state.data?.versions ?? [];
  const changes = versions.filter((version, index) => index > 0 && version.changed).length;

  return html`
    <${Dialog} open=${true} title=${`Versions of ${name}`} onClose=${onClose}>
      <div class="archive-versions">
        <p class="muted path-line"><code>${path}</code></p>
        ${state.error && html`<${Alert} kind="error">${state.error}<//>`}
        ${!state.data && !state.error && html`<p class="muted" role="status">Loading versions…</p>`}
        ${state.data && html`
          <p role="status">In ${formatCount(versions.length)} ${versions.length === 1 ? 'archive' : 'archives'}; changed ${formatCount(changes)} ${changes === 1 ? 'time' : 'times'} after it was first seen.</p>
          <div class="table-wrap versions-wrap">
            <table class="table responsive versions-table">
              <thead>
                <tr><th scope="col">Archive</th><th scope="col">Size</th><th scope="col">Modified</th><th scope="col">Change</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
              </thead>
              <tbody>
                ${versions.map((version, index) => html`
                  <tr key=${version.archive} class=${version.changed || index === 0 ? 'version-changed' : ''}>
                    <th scope="row" data-label="Archive">
                      <span class="version-archive">
                        <button type="button" class="link-button" onClick=${() => onOpenFolder(version.archive, path)} title="Open its folder in this archive">${version.archive}</button>
                        <span class="muted sub">${formatDate(version.archive_time)}</span>
                      </span>
                    </th>
                    <td data-label="Size" class="nowrap">${formatBytes(version.size)}</td>
                    <td data-label="Modified" class="nowrap">${formatDate(version.mtime)}</td>
                    <td data-label="Change"><${ChangeMark} version=${version} first=${index === 0} /></td>
                    <td class="row-actions">
                      <button type="button" class="button small" onClick=${() => onDownload({ archive: version.archive, paths: [path], name })}>
                        Download<span class="visually-hidden"> the version in ${version.archive}</span>
                      </button>
                    </td>
                  </tr>`)}
              </tbody>
            </table>
          </div>`}
        <div class="actions">
          <button type="button" class="button" onClick=${onClose}>Close</button>
        </div>
      </div>
    <//>`;
}
