// Page furniture: the heading every page starts with, and the honest panels for pages that are not
// built yet and pages the user may not open.
import { html } from '../html.js';

export function PageHeader({ title, children }) {
  return html`
    <header class="page-header">
      <h1>${title}</h1>
      ${children && html`<p class="lead">${children}</p>`}
    </header>`;
}

export function Unavailable({ title, summary, plans }) {
  return html`
    <${PageHeader} title=${title}>${summary}<//>
    <section class="panel unavailable" aria-labelledby="unavailable-title">
      <h2 id="unavailable-title">Not available yet</h2>
      <p>This page is part of the plan but has not been built. It will let you:</p>
      <ul>${plans.map((plan) => html`<li>${plan}</li>`)}</ul>
      <p class="muted">Nothing here is sample data: until the page exists, nothing is shown.</p>
    </section>`;
}

export function Refused({ title, role, user }) {
  return html`
    <${PageHeader} title=${title} />
    <section class="panel refused" role="alert" aria-labelledby="refused-title">
      <h2 id="refused-title">You do not have access to this page</h2>
      <p>${title} needs the <strong>${role}</strong> role.</p>
      <p>You are signed in as <strong>${user.username}</strong> with the <strong>${user.role}</strong> role. Ask an administrator if you need it.</p>
    </section>`;
}
