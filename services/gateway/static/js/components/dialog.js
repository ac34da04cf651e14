// A modal dialog on the native <dialog> element: the browser traps focus, Escape closes it, and
// focus returns to what opened it.
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html.js';
import { Alert } from './alert.js';

export function Dialog({ open, title, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!open) return undefined;
    const opener = document.activeElement;
    dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      // Pages unmount dialogs rather than closing them, so give focus back to the opener here.
      if (opener?.isConnected) opener.focus();
    };
  }, [open]);
  const onCancel = (event) => {
    event.preventDefault();
    onClose();
  };
  return html`
    <dialog ref=${ref} class="dialog" aria-labelledby="dialog-title" onCancel=${onCancel}>
      ${open && html`<h2 id="dialog-title">${title}</h2>${children}`}
    </dialog>`;
}

/** Ask before something that cannot be undone; `busy` while the request runs, `error` if it failed. */
export function ConfirmDialog({ open, title, confirmLabel, busy, error, onConfirm, onClose, children }) {
  const submit = (event) => {
    event.preventDefault();
    onConfirm();
  };
  return html`
    <${Dialog} open=${open} title=${title} onClose=${onClose}>
      <form onSubmit=${submit}>
        <div class="dialog-body">${children}</div>
        ${error && html`<${Alert} kind="error">${error}<//>`}
        <div class="actions">
          <button type="button" class="button" onClick=${onClose}>Cancel</button>
          <button type="submit" class="button danger" disabled=${busy}>${busy ? 'Working…' : confirmLabel}</button>
        </div>
      </form>
    <//>`;
}
