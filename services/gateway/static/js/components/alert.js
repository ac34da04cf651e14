// A message box: errors are announced at once, other news politely.
import { html } from '../html.js';

export function Alert({ kind = 'info', children }) {
  const role = kind === 'error' ? 'alert' : 'status';
  return html`<div class=${`alert ${kind}`} role=${role}>${children}</div>`;
}
