// The frame around every page: skip link, top bar, navigation (a menu on narrow screens), content.
import { useEffect, useRef, useState } from 'preact/hooks';
import { signOut } from './auth.js';
import { html } from './html.js';
import { SECTIONS } from './pages.js';
import { Link } from './router.js';
import { hasRole } from './session.js';

function Navigation({ user, path, onNavigate }) {
  return SECTIONS.map((section) => {
    const pages = section.pages.filter((page) => hasRole(user.role, page.role));
    if (!pages.length) return null;
    const headingId = `nav-${section.label.toLowerCase()}`;
    return html`
      <div class="nav-section">
        <h2 class="nav-heading" id=${headingId}>${section.label}</h2>
        <ul aria-labelledby=${headingId}>
          ${pages.map((page) => html`
            <li>
              <${Link} href=${page.path} onNavigate=${onNavigate} aria-current=${page.path === path ? 'page' : undefined}>
                ${page.title}
              <//>
            </li>`)}
        </ul>
      </div>`;
  });
}

/** Name the browser tab after the page, so tabs and screen readers say where you are. */
export function useDocumentTitle(title) {
  useEffect(() => {
    document.title = `${title} · Borg Web UI`;
  }, [title]);
}

export function Layout({ user, path, title, children }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef(null);
  const main = useRef(null);
  const navigated = useRef(false);
  useDocumentTitle(title);

  // After moving to another page, put focus on the content so keyboard and screen-reader users
  // start there instead of at the top of the navigation.
  useEffect(() => {
    if (navigated.current) main.current?.focus({ preventScroll: true });
    navigated.current = true;
  }, [path]);

  useEffect(() => {
    if (!menuOpen) return undefined;
    const onKey = (event) => {
      if (event.key !== 'Escape') return;
      setMenuOpen(false);
      menuButton.current?.focus();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, [menuOpen]);

  const proxied = user.auth_source === 'proxy';
  return html`
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topbar">
      <button
        ref=${menuButton}
        type="button"
        class="menu-button"
        aria-expanded=${menuOpen ? 'true' : 'false'}
        aria-controls="navigation"
        onClick=${() => setMenuOpen(!menuOpen)}
      >
        <span class="menu-icon" aria-hidden="true"></span>Menu
      </button>
      <${Link} class="brand" href="/">Borg Web UI<//>
      <div class="account">
        <${Link} class="account-name" href="/settings/profile" title="Your profile">
          ${user.username} <span class="badge">${user.role}</span>
        <//>
        ${!proxied && html`<button type="button" class="button subtle" onClick=${signOut}>Sign out</button>`}
      </div>
    </header>
    <div class="shell">
      <div class=${`backdrop${menuOpen ? ' open' : ''}`} onClick=${() => setMenuOpen(false)}></div>
      <nav id="navigation" class=${`sidebar${menuOpen ? ' open' : ''}`} aria-label="Main">
        <${Navigation} user=${user} path=${path} onNavigate=${() => setMenuOpen(false)} />
        <div class="nav-account">
          <p>Signed in as <strong>${user.username}</strong> <span class="badge">${user.role}</span></p>
          ${!proxied && html`<button type="button" class="button wide" onClick=${signOut}>Sign out</button>`}
        </div>
      </nav>
      <main id="main" ref=${main} tabindex="-1">${children}</main>
    </div>`;
}
