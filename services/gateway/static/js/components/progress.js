// A progress bar: determinate when the percent is known, an animated stripe while it is not.
import { html } from '../html.js';

export function ProgressBar({ percent, label }) {
  const known = typeof percent === 'number' && Number.isFinite(percent);
  const value = known ? Math.max(0, Math.min(100, percent)) : null;
  return html`
    <div
      class=${`progress${known ? '' : ' indeterminate'}`}
      role="progressbar"
      aria-label=${label}
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${known ? value.toFixed(1) : undefined}
      aria-valuetext=${known ? `${value.toFixed(1)} %` : 'working, total not known yet'}
    >
      <div class="progress-fill" style=${known ? `width: ${value}%` : ''}></div>
    </div>`;
}
