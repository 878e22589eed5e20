// The portal's shell: a hash router (the part after # never reaches the server or its logs),
// the menu for the signed-in roles, focus management, and sign-out.
import { cached } from './api.js';
import { alert, clear, h, link, para } from './dom.js';
import { finishSignIn } from './oidc.js';
import { AUDITOR_ROLES, CITIZEN_ROLES, HOLDER_ROLES, SPECIALIST_ROLES, current, hasRole, homeFor, signOut } from './session.js';
import { auditorView } from './views/auditor.js';
import { catalogView, datasetView, purposeView } from './views/catalog.js';
import { citizenView } from './views/citizen.js';
import { holderView } from './views/holder.js';
import { signInView } from './views/signin.js';
import { specialistView } from './views/specialist.js';

const catalogState = {};
const SCREENS = [
  { path: /^\/(catalogus)?$/, title: 'Catalogus', view: (m) => catalogView(m, catalogState) },
  { path: /^\/catalogus\/([a-z0-9-]+)$/, title: 'Dataset', view: (m, id) => datasetView(m, id) },
  { path: /^\/doelen\/([a-z0-9-]+)$/, title: 'Doel', view: (m, id) => purposeView(m, id) },
  { path: /^\/inloggen$/, title: 'Inloggen', view: (m) => signInView(m, {}) },
  { path: /^\/specialist$/, title: 'Dataspecialist', roles: SPECIALIST_ROLES, view: specialistView },
  { path: /^\/bronhouder$/, title: 'Bronhouder', roles: HOLDER_ROLES, view: holderView },
  { path: /^\/auditor$/, title: 'Auditor', roles: AUDITOR_ROLES, view: auditorView },
  { path: /^\/mijn-gegevens$/, title: 'Mijn gegevens', roles: CITIZEN_ROLES, view: citizenView },
];
const MENU = [
  { href: '#/catalogus', label: 'Catalogus' },
  { href: '#/specialist', label: 'Dataspecialist', roles: SPECIALIST_ROLES },
  { href: '#/bronhouder', label: 'Bronhouder', roles: HOLDER_ROLES },
  { href: '#/auditor', label: 'Auditor', roles: AUDITOR_ROLES },
  { href: '#/mijn-gegevens', label: 'Mijn gegevens', roles: CITIZEN_ROLES },
];

function renderChrome(path) {
  const session = current();
  const nav = document.getElementById('nav');
  clear(nav);
  for (const item of MENU) {
    if (item.roles && !hasRole(...item.roles)) continue;
    const active = path === item.href.slice(1) || (item.href === '#/catalogus' && (path === '/' || path.startsWith('/catalogus') || path.startsWith('/doelen')));
    nav.append(h('li', {}, h('a', { href: item.href, 'aria-current': active ? 'page' : null }, item.label)));
  }
  if (session) {
    nav.append(h('li', {}, h('button', { type: 'button', onclick: () => { signOut(); location.hash = '#/'; render(); } }, 'Uitloggen')));
  } else {
    nav.append(h('li', {}, h('a', { href: '#/inloggen', 'aria-current': path === '/inloggen' ? 'page' : null }, 'Inloggen')));
  }
  const user = document.getElementById('user');
  user.textContent = session
    ? `Ingelogd als ${session.subject} (${session.roles.join(', ')})${session.via === 'demo' ? ' — DEMO' : ''}`
    : 'Niet ingelogd';
}

async function renderBanner() {
  const banner = document.getElementById('demo-banner');
  try {
    const settings = await cached('/portal/portal-config.json');
    if (settings.demoSignIn) {
      banner.replaceChildren(h('div', { class: 'demo-banner' }, alert('warning', para(h('strong', {}, 'DEMO. '),
        'Deze gateway draait met demo-instellingen, demo-sleutels en synthetische gegevens.'))));
      banner.hidden = false;
    }
  } catch { /* the banner is informative only */ }
}

let firstRender = true;
let renderCount = 0;
async function render() {
  // Only "#/…" are screens; another fragment (none is linked) leaves the page as it is.
  if (location.hash && !location.hash.startsWith('#/')) return;
  const path = (location.hash || '#/').slice(1) || '/';
  renderChrome(path);
  const main = document.getElementById('main');
  clear(main);
  const screen = SCREENS.find((s) => s.path.test(path));
  const mine = ++renderCount;
  if (!screen) {
    document.title = 'Niet gevonden — Bronpoort portaal';
    main.append(h('h1', { class: 'utrecht-heading-1' }, 'Pagina niet gevonden'), para(link('#/', 'Naar de catalogus')));
  } else if (screen.roles && !hasRole(...screen.roles)) {
    document.title = `${screen.title} — Bronpoort portaal`;
    main.append(h('h1', { class: 'utrecht-heading-1' }, screen.title),
      alert('info', para(current() ? 'Dit scherm hoort bij een andere rol dan de uwe. ' : 'Log eerst in om dit scherm te gebruiken. '),
        para(link(current() ? homeFor(current()) : '#/inloggen', current() ? 'Naar mijn scherm' : 'Inloggen'))));
  } else {
    document.title = `${screen.title} — Bronpoort portaal`;
    const match = path.match(screen.path);
    const done = screen.view(main, match[1]);
    // Focus goes to the new page's heading, so keyboard and screen-reader users start there.
    if (!firstRender) {
      const h1 = main.querySelector('h1');
      if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus(); }
    }
    try { await done; } catch (err) { if (mine === renderCount) main.append(alert('error', para(String(err.message || err)))); }
  }
  if (!screen || (screen && screen.roles && !hasRole(...screen.roles))) {
    if (!firstRender) { const h1 = main.querySelector('h1'); h1.setAttribute('tabindex', '-1'); h1.focus(); }
  }
  firstRender = false;
  main.setAttribute('data-ready', String(mine));
}

async function start() {
  // The skip link moves focus to the content without changing the route in the fragment.
  document.querySelector('.skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    document.getElementById('main').focus();
  });
  renderBanner();
  try {
    const settings = await cached('/portal/portal-config.json');
    const session = settings.oidc ? await finishSignIn(settings.oidc) : null;
    if (session) location.hash = homeFor(session);
  } catch (err) {
    renderChrome('/inloggen');
    const main = document.getElementById('main');
    clear(main);
    await signInView(main, { error: err.message });
    return;
  }
  window.addEventListener('hashchange', render);
  await render();
}

start();
