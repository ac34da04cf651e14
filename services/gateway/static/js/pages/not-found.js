import { PageHeader } from '../components/panel.js';
import { html } from '../html.js';
import { Link } from '../router.js';

export function NotFoundPage({ path }) {
  return html`
    <${PageHeader} title="Page not found" />
    <section class="panel">
      <p>There is no page at <code>${path}</code>.</p>
      <p><${Link} href="/">Go to the dashboard<//></p>
    </section>`;
}
