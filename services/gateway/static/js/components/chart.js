// Two small SVG charts, no library: horizontal bars comparing sizes, and columns of a value over
// time. Horizontal positions are percentages, so the charts fill any width without stretching
// their text; each chart has a text alternative naming its figures.
import { html } from '../html.js';
import { formatDate } from '../format.js';
import { formatBytes } from '../units.js';

const ROW = 38;

/** `bars`: [{label, value, tone}] drawn against the largest value. */
export function SizeBars({ title, bars }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value || 0));
  const summary = `${title}: ${bars.map((bar) => `${bar.label} ${formatBytes(bar.value)}`).join(', ')}`;
  return html`
    <svg class="chart size-bars" width="100%" height=${bars.length * ROW} role="img" aria-label=${summary}>
      <title>${summary}</title>
      ${bars.map((bar, index) => {
        const y = index * ROW;
        const width = Math.max(0.5, ((bar.value || 0) / max) * 100);
        return html`
          <g>
            <text class="chart-label" x="0" y=${y + 13}>${bar.label}</text>
            <text class="chart-value" x="100%" y=${y + 13} text-anchor="end">${formatBytes(bar.value)}</text>
            <rect class="chart-track" x="0" y=${y + 19} width="100%" height="10" rx="3" />
            <rect class=${`chart-bar ${bar.tone ?? ''}`} x="0" y=${y + 19} width=${`${width}%`} height="10" rx="3" />
          </g>`;
      })}
    </svg>`;
}

const HEIGHT = 120;

/** `points`: [{time, value}] oldest first, drawn as columns; values are byte sizes. */
export function HistoryColumns({ title, points }) {
  if (!points.length) return html`<p class="muted">No history yet.</p>`;
  const max = Math.max(1, ...points.map((point) => point.value || 0));
  const slot = 100 / points.length;
  const last = points[points.length - 1];
  const summary = `${title}: ${points.length} backups, from ${formatBytes(points[0].value)} to ${formatBytes(last.value)}, largest ${formatBytes(max)}`;
  return html`
    <svg class="chart history" width="100%" height=${HEIGHT + 20} role="img" aria-label=${summary}>
      <title>${summary}</title>
      <line class="chart-axis" x1="0" x2="100%" y1=${HEIGHT} y2=${HEIGHT} />
      ${points.map((point, index) => {
        const height = Math.max(1, ((point.value || 0) / max) * (HEIGHT - 18));
        return html`
          <rect class="chart-bar" x=${`${index * slot + slot * 0.15}%`} y=${HEIGHT - height} width=${`${slot * 0.7}%`} height=${height} rx="2">
            <title>${formatDate(point.time)}: ${formatBytes(point.value)}</title>
          </rect>`;
      })}
      <text class="chart-value" x="0" y="11">${formatBytes(max)}</text>
      <text class="chart-label" x="0" y=${HEIGHT + 16}>${formatDate(points[0].time)}</text>
      <text class="chart-label" x="100%" y=${HEIGHT + 16} text-anchor="end">${formatDate(last.time)}</text>
    </svg>`;
}
