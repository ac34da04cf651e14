// A labelled form input: every input has a visible label and, when given, a hint tied to it.
import { useId } from 'preact/hooks';
import { html } from '../html.js';

export function Field({ label, hint, value, onValue, type = 'text', ...attrs }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <input
        id=${id}
        type=${type}
        value=${value}
        aria-describedby=${hintId}
        onInput=${(event) => onValue(event.currentTarget.value)}
        ...${attrs}
      />
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    </div>`;
}

export function SelectField({ label, hint, value, onValue, options, ...attrs }) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <select id=${id} value=${value} aria-describedby=${hintId} onChange=${(event) => onValue(event.currentTarget.value)} ...${attrs}>
        ${options.map(([optionValue, text]) => html`<option value=${optionValue}>${text}</option>`)}
      </select>
      ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    </div>`;
}
