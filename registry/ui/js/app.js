// The page's frame: navigation, the view each address shows, the session
// line, and moving focus to the new heading after each navigation.
//
// Addresses are fragments (`#/subjects/orders-value/versions/3`), so the
// server serves one page and the page works under any path prefix.
//
// A view is a module exporting `render(ctx)`; ctx holds `main` (the element
// to fill), `params` (the address's named segments), `query`
// (URLSearchParams), `signal` (aborted when the reader navigates away) and
// `title(text)`. Adding a view is one module and one entry in ROUTES (and
// one in NAV for a top-level one).

import { h, notice, link, failure } from './dom.js';
import { onUnauthorized, principal, readOnly, signOut } from './api.js';
import { askForCredentials } from './views/signin.js';
import * as subjects from './views/subjects.js';
import * as subject from './views/subject.js';
import * as version from './views/version.js';
import * as compare from './views/compare.js';
import * as triage from './views/triage.js';
import * as consumers from './views/consumers.js';

/** The navigation, in order; `section` marks the current entry. */
const NAV = [
  { label: 'Subjects', href: '#/subjects', section: 'subjects' },
  { label: 'Triage', href: '#/triage', section: 'triage' },
];

/** Address patterns (':name' binds a segment) and their views. */
const ROUTES = [
  { pattern: [], view: subjects.render, section: 'subjects' },
  { pattern: ['subjects'], view: subjects.render, section: 'subjects' },
  { pattern: ['subjects', ':subject'], view: subject.render, section: 'subjects' },
  { pattern: ['subjects', ':subject', 'versions', ':version'], view: version.render, section: 'subjects' },
  { pattern: ['subjects', ':subject', 'compare'], view: compare.render, section: 'subjects' },
  { pattern: ['subjects', ':subject', 'consumers'], view: consumers.render, section: 'subjects' },
  { pattern: ['triage'], view: triage.render, section: 'triage' },
];

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const session = document.getElementById('session');
let current = null;
let firstView = true;

function parse(hash) {
  const raw = hash.replace(/^#/, '');
  const [path, query = ''] = raw.split('?');
  const segments = [];
  for (const part of path.split('/').filter((s) => s !== '')) {
    try {
      segments.push(decodeURIComponent(part));
    } catch {
      segments.push(part);
    }
  }
  return { segments, query: new URLSearchParams(query) };
}

function match(segments) {
  for (const route of ROUTES) {
    if (route.pattern.length !== segments.length) continue;
    const params = {};
    const ok = route.pattern.every((p, i) => {
      if (p.startsWith(':')) {
        params[p.slice(1)] = segments[i];
        return true;
      }
      return p === segments[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

function drawNav(section) {
  nav.replaceChildren(
    ...NAV.map((entry) =>
      h('li', {}, h('a', { href: entry.href, 'aria-current': entry.section === section ? 'page' : null }, entry.label)),
    ),
  );
}

function drawSession() {
  const who = principal();
  document.body.classList.toggle('read-only', readOnly());
  session.replaceChildren(
    ...(who
      ? [
          h('span', {}, `Signed in as ${who}`, readOnly() ? ' (read only)' : ''),
          ' ',
          h('button', { type: 'button', class: 'link', onclick: () => signOut() }, 'Sign out'),
        ]
      : []),
  );
}

function notFound(ctx, hash) {
  ctx.title('No such page');
  ctx.main.append(
    h('h1', {}, 'No such page'),
    notice('error', h('p', {}, `This page has no view at “${hash}”.`), h('p', {}, h('a', { href: link(['subjects']) }, 'See all subjects'))),
  );
}

/** Shows the view of the current address. */
async function show() {
  if (current) current.abort();
  const controller = new AbortController();
  current = controller;
  const { segments, query } = parse(location.hash || '#/');
  const found = match(segments);
  drawNav(found ? found.route.section : null);
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  main.setAttribute('aria-busy', 'true');
  const ctx = {
    main: view,
    params: found ? found.params : {},
    query,
    signal: controller.signal,
    title: (text) => {
      document.title = `${text} · Charter registry`;
    },
  };
  const focusHeading = !firstView;
  firstView = false;
  try {
    if (!found) notFound(ctx, location.hash);
    else {
      const rendering = found.route.view(ctx);
      if (focusHeading) focusFirstHeading(view);
      await rendering;
    }
  } catch (e) {
    if (controller.signal.aborted || (e && e.name === 'AbortError')) return;
    view.append(failure(e));
  } finally {
    if (current === controller) main.removeAttribute('aria-busy');
  }
  if (focusHeading && !view.contains(document.activeElement)) focusFirstHeading(view);
}

function focusFirstHeading(view) {
  const heading = view.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

onUnauthorized(askForCredentials);
window.addEventListener('hashchange', show);
let signedIn = principal();
window.addEventListener('charter:session', () => {
  const was = signedIn;
  signedIn = principal();
  drawSession();
  // After signing out, the view is asked for again (and may ask to sign in).
  if (was && !signedIn) show();
});
document.getElementById('skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
drawSession();
show();
