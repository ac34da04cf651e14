// htm bound to Preact: every component writes html`<div>…</div>` instead of JSX, so no build step.
import { h } from 'preact';
import htm from 'htm';

export const html = htm.bind(h);
