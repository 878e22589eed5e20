// Signing in. Real deployments: the configured OpenID Connect provider (code flow with PKCE).
// The demo: a clearly marked DEMO ONLY form that asks the gateway for a demo token, offered only
// when the gateway's config enables it (and the gateway refuses it otherwise).
import { api, cached } from '../api.js';
import { alert, button, field, h, heading, para, select, textbox } from '../dom.js';
import { startSignIn } from '../oidc.js';
import { homeFor, signIn } from '../session.js';
import { errorMessage } from '../ui.js';

const DEMO_ORG = '00000001001234567000';
const PERSONAS = [
  { value: 'analyst', label: 'Dataspecialist (analist) — Gemeente Voorbeeldstad', role: 'analyst', organisation: DEMO_ORG },
  { value: 'case-worker', label: 'Casemanager schuldhulp — Gemeente Voorbeeldstad', role: 'case-worker', organisation: DEMO_ORG },
  { value: 'source-admin', label: 'Bronhouder (beheerder van een register)', role: 'source-admin' },
  { value: 'auditor', label: 'Auditor — Toezichthouder', role: 'auditor', organisation: '00000001009999999000' },
  { value: 'privacy-officer', label: 'Functionaris gegevensbescherming — Gemeente Voorbeeldstad', role: 'privacy-officer', organisation: DEMO_ORG },
  { value: 'data-subject', label: 'Burger (inzage in eigen gegevens)', role: 'data-subject', organisation: DEMO_ORG },
];

function demoForm(catalog, onDone) {
  const persona = select(PERSONAS, { name: 'persona' });
  const holders = [...new Map((catalog.datasets || []).map((d) => [d.organisation.oin, d.organisation.name])).entries()];
  const holder = select(holders.map(([oin, name]) => ({ value: oin, label: `${name} (${oin})` })), { name: 'holder' });
  const bsn = textbox({ name: 'bsn', inputmode: 'numeric', autocomplete: 'off', maxlength: 9, pattern: '[0-9]{9}' });
  const holderField = field('Organisatie van de bronhouder', holder);
  const bsnField = field('BSN van de demo-burger', bsn, 'Een BSN uit de synthetische demobron (9 cijfers, elfproef). Het gaat alleen in de aanvraag naar de gateway, nooit in een adres.');
  const outcome = h('div', { 'aria-live': 'polite' });
  const sync = () => {
    holderField.hidden = persona.value !== 'source-admin';
    bsnField.hidden = persona.value !== 'data-subject';
  };
  persona.addEventListener('change', sync);
  sync();
  const submit = async (e) => {
    e.preventDefault();
    const p = PERSONAS.find((x) => x.value === persona.value);
    const body = { role: p.role, organisation: p.role === 'source-admin' ? holder.value : p.organisation, subject: `demo-${p.value}` };
    if (p.role === 'data-subject') body.bsn = bsn.value.trim();
    outcome.replaceChildren(para('Bezig met inloggen…'));
    try {
      const { data } = await api('/portal/demo-token', { method: 'POST', body, auth: false });
      const session = signIn(data.accessToken, 'demo');
      bsn.value = '';
      onDone(session);
    } catch (err) {
      outcome.replaceChildren(errorMessage(err));
    }
  };
  return h('form', { onsubmit: submit, 'aria-label': 'Demo-inloggen' },
    field('Kies een rol', persona), holderField, bsnField,
    h('div', { class: 'portal-actions' }, button('Inloggen (demo)', null, { type: 'submit' })), outcome);
}

export async function signInView(main, { error } = {}) {
  main.append(heading(1, 'Inloggen'));
  if (error) main.append(alert('error', para(error)));
  let settings = {};
  try {
    settings = await cached('/portal/portal-config.json');
  } catch (err) {
    main.append(errorMessage(err));
  }
  const done = (session) => { location.hash = homeFor(session); };
  if (settings.oidc) {
    main.append(para('Log in via de inlogdienst van uw organisatie.'),
      button(`Inloggen via ${new URL(settings.oidc.issuer).host}`, () => startSignIn(settings.oidc)));
  }
  if (settings.demoSignIn) {
    const catalog = await cached('/v1/datasets').catch(() => ({ datasets: [] }));
    main.append(heading(2, 'Demo-inloggen'),
      alert('warning', para(h('strong', {}, 'ALLEEN VOOR DE DEMO. '),
        'Deze gateway draait met de demo-instellingen: iedereen op deze computer kan zich hier als elke rol aanmelden. ',
        'De tokens zijn getekend met een sleutel die openbaar in de broncode staat. Gebruik dit nooit met echte gegevens.')),
      demoForm(catalog, done));
  }
  if (!settings.oidc && !settings.demoSignIn) {
    main.append(alert('info', para('Inloggen is op deze gateway niet ingericht. De catalogus is zonder inloggen te bekijken.')));
  }
}
