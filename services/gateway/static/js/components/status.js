// A job's or repository's state as a coloured badge with a word (colour is never the only cue).
import { html } from '../html.js';
import { STATUS_LABELS, statusTone } from '../jobs.js';

export function StatusBadge({ status }) {
  return html`<span class=${`status ${statusTone(status)}`}>${STATUS_LABELS[status] ?? status}</span>`;
}

export function HealthBadge({ health }) {
  return html`<span class=${`status ${health.tone}`}>${health.label}</span>`;
}
