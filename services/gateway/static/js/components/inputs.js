// Inputs Field does not cover: a checkbox with its label and a text area of one item per line.
import { useId } from 'preact/hooks';
import { html } from '../html.js';

export function Checkbox({ label, hint, checked, onValue, ...attrs }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return html`
    <div class="field checkbox">
      <input id=${id} type="checkbox" checked=${checked} aria-describedby=${hintId} onChange=${(event) => onValue(event.currentTarget.checked)} ...${attrs} />
      <label for=${id}>${label}</label>
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    </div>`;
}

/** Split a text area's value into its non-empty, trimmed lines. */
export function lines(text) {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

export function LinesField({ label, hint, value, onValue, rows = 3, ...attrs }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <textarea id=${id} rows=${rows} value=${value} aria-describedby=${hintId} spellcheck="false" onInput=${(event) => onValue(event.currentTarget.value)} ...${attrs}></textarea>
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    </div>`;
}
