// The source holder: the inbox of access requests for its datasets (approve or reject with a
// reason), its grants with revoke, who used its datasets (the processing log the gateway
// filters to the holder's own datasets), and the health of its connectors as the log shows it.
import { api, cached, query } from '../api.js';
import { alert, button, checkboxes, dl, empty, field, h, heading, para, status, table, textarea, when } from '../dom.js';
import { current } from '../session.js';
import { legalBasisText, load, orgLabel, organisationNames, pager, purposesById, sectionWith } from '../ui.js';
import { grantState } from './specialist.js';

function requestCard(r, purposes, names, refresh, report) {
  const p = purposes[r.purpose];
  const reason = textarea({ name: 'reason', maxlength: 2000 });
  // What to grant: all requested fields unless the holder unticks some; the gateway's default
  // term unless an earlier last day is chosen.
  const fieldsBox = checkboxes('Toe te kennen velden (standaard alle gevraagde)', `fields-${r.id}`,
    r.fields.map((f) => ({ value: f, label: f, checked: true })));
  const until = h('input', { type: 'date', class: 'utrecht-textbox utrecht-textbox--html-input', name: 'validUntil' });
  const outcome = h('div', { 'aria-live': 'polite' });
  const decide = (approve) => load(outcome, async () => {
    const text = reason.value.trim();
    if (!approve && !text) {
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return alert('error', para('Geef een reden bij een afwijzing; de aanvrager leest die.'));
    }
    const body = text ? { reason: text } : {};
    if (approve) {
      const chosen = [...fieldsBox.querySelectorAll('input[type="checkbox"]:checked')].map((c) => c.value);
      if (chosen.length === 0) {
        return alert('error', para('Kies minstens één veld om toe te kennen, of wijs de aanvraag af.'));
      }
      if (chosen.length < r.fields.length) body.fields = chosen;
      if (until.value) body.validUntil = until.value;
    }
    const decided = await api(`/v1/access-requests/${encodeURIComponent(r.id)}/${approve ? 'approve' : 'reject'}`,
      { method: 'POST', body });
    // The card leaves the inbox; the outcome stays above it.
    const narrowed = approve && (body.fields || body.validUntil)
      ? ` Toegekend: ${(body.fields || r.fields).join(', ')}${body.validUntil ? `, geldig tot en met ${body.validUntil}` : ''}.` : '';
    report(alert('ok', para(approve ? `Aanvraag ${decided.id || r.id} goedgekeurd: de toestemming is aangemaakt.${narrowed}` : `Aanvraag ${r.id} afgewezen.`)));
    refresh();
    return null;
  }, 'Bezig met vastleggen…');
  const titleId = `req-${r.id}`;
  return h('li', { class: 'portal-card', 'data-request': r.id },
    h('h3', { class: 'utrecht-heading-3', id: titleId }, `${p ? p.name : r.purpose} — ${r.dataset} / ${r.resource}`),
    dl([['Aanvrager', `${orgLabel(names, r.organisation)}, rol ${r.role}`], ['Doel', p ? p.name : r.purpose],
      ['Wettelijke grondslag', legalBasisText(p ? p.legalBasis : r.legalBasis)], ['Reikwijdte', p ? p.scope : ''],
      ['Gevraagde velden', r.fields.join(', ')], ['Motivering', r.motivation], ['Ingediend', when(r.createdAt)]]),
    fieldsBox,
    field('Geldig tot en met (leeg: de standaardtermijn van de gateway)', until,
      'Een eerdere einddatum dan de standaardtermijn en de looptijd van het doel; een latere weigert de gateway.'),
    field('Reden (verplicht bij afwijzen)', reason),
    h('div', { class: 'portal-actions' }, button('Goedkeuren', () => decide(true)), button('Afwijzen', () => decide(false), { kind: 'secondary' })),
    outcome);
}

function revokeButton(g, refresh, outcome) {
  const b = button('Intrekken', null, { kind: 'secondary', 'aria-label': `Toestemming ${g.id} intrekken` });
  let armed = false;
  b.addEventListener('click', () => {
    if (!armed) {
      armed = true;
      b.textContent = 'Bevestig intrekken';
      b.setAttribute('aria-label', `Bevestig: toestemming ${g.id} intrekken`);
      return;
    }
    load(outcome, async () => {
      await api(`/v1/grants/${encodeURIComponent(g.id)}`, { method: 'DELETE' });
      refresh();
      return alert('ok', para(`Toestemming ${g.id} is ingetrokken; vanaf het volgende verzoek geldt ze niet meer.`));
    }, 'Bezig met intrekken…');
  });
  return b;
}

export function logTable(caption, records, names, onDetail) {
  return table(caption, ['Tijd', 'Soort', 'Organisatie', 'Doel', 'Dataset', 'Besluit', 'Status', ...(onDetail ? ['Actie'] : [])],
    records.map((r) => [when(r.startTime || r.loggedAt), r.kind === 'audit' ? (r.event || 'audit') : 'verwerking',
      orgLabel(names, r.organisation), r.purpose || '—', r.dataset ? `${r.dataset}${r.resource ? ` / ${r.resource}` : ''}` : '—',
      r.decision === 'allow' ? status('ok', 'toegestaan') : r.decision === 'deny' ? status('bad', 'geweigerd') : '—',
      r.httpStatus ? String(r.httpStatus) : r.status,
      ...(onDetail ? [button('Details', () => onDetail(r), { kind: 'secondary', 'aria-label': `Details van record ${r.chainId} ${r.seq}` })] : [])]));
}

export async function holderView(main) {
  const session = current();
  const names0 = await organisationNames();
  main.append(heading(1, 'Bronhouder'),
    para(`U beheert de datasets van ${orgLabel(names0, session.organisation)}. Hier besluit u over aanvragen, trekt u toestemmingen in en ziet u wie uw gegevens gebruikte.`));
  const inbox = sectionWith('Binnengekomen aanvragen');
  const grants = sectionWith('Toestemmingen op mijn datasets');
  const usage = sectionWith('Wie gebruikte mijn datasets');
  const health = sectionWith('Gezondheid van mijn bronnen');
  main.append(inbox.section, grants.section, usage.section, health.section);
  const [purposes, names] = await Promise.all([purposesById(), organisationNames()]);
  const grantOutcome = h('div', { 'aria-live': 'polite' });
  const inboxOutcome = h('div', { 'aria-live': 'polite' });
  const showGrants = (href) => load(grants.region, async () => {
    const { data } = await api(href);
    const items = data.grants || [];
    if (!items.length) return [grantOutcome, empty('Er zijn geen toestemmingen op uw datasets.')];
    return [grantOutcome, table('Toestemmingen', ['Organisatie', 'Rol', 'Doel', 'Dataset / resource', 'Velden', 'Status', 'Geldig tot', 'Actie'],
      items.map((g) => [orgLabel(names, g.organisation), g.role, g.purpose, `${g.dataset} / ${g.resource}`, g.fields.join(', '),
        grantState(g.state), when(g.validUntil), g.state === 'active' ? revokeButton(g, () => showGrants(href), grantOutcome) : ''])),
    pager('Pagina’s van toestemmingen', data._links, showGrants)];
  });
  const showInbox = () => load(inbox.region, async () => {
    const { data } = await api(`/v1/access-requests${query({ state: 'pending', pageSize: 50 })}`);
    const items = data.accessRequests || [];
    if (!items.length) return [inboxOutcome, empty('Geen aanvragen die op uw besluit wachten.')];
    return [inboxOutcome, h('ul', { class: 'portal-list' }, items.map((r) => requestCard(r, purposes, names,
      () => { showInbox(); showGrants('/v1/grants?pageSize=20'); }, (el) => inboxOutcome.replaceChildren(el))))];
  });
  const showUsage = (href) => load(usage.region, async () => {
    const { data } = await api(href);
    const records = data.records || [];
    if (!records.length) return empty('Nog niemand gebruikte uw datasets.');
    return [logTable('Verwerkingen en besluiten over mijn datasets, nieuwste eerst', records, names),
      pager('Pagina’s van het logboek', data._links, showUsage)];
  });
  const showHealth = () => load(health.region, async () => {
    const catalog = await cached('/v1/datasets');
    const mine = (catalog.datasets || []).filter((d) => d.organisation && d.organisation.oin === session.organisation);
    if (!mine.length) return empty('Uw organisatie heeft geen datasets in deze gateway.');
    const rows = await Promise.all(mine.map(async (d) => {
      const { data } = await api(`/v1/processing-log${query({ dataset: d.id, kind: 'audit', pageSize: 20 })}`);
      const recent = (data.records || []).filter((r) => r.httpStatus);
      const failures = recent.filter((r) => [502, 503, 504].includes(r.httpStatus));
      const last = recent[0];
      const verdict = !recent.length ? status('wait', 'nog niet gebruikt')
        : failures.length ? status('bad', `${failures.length} van ${recent.length} recente verzoeken faalden bij de bron`)
          : status('ok', `laatste ${recent.length} verzoeken zonder bronfout`);
      return [d.title, verdict, last ? `${when(last.startTime)} (${last.httpStatus})` : '—'];
    }));
    return [para('Afgeleid uit het verwerkingenlogboek: antwoorden 502, 503 en 504 betekenen dat de bron niet (op tijd) antwoordde.'),
      table('Bronnen van mijn organisatie', ['Dataset', 'Toestand', 'Laatste verzoek'], rows)];
  });
  await Promise.all([showInbox(), showGrants('/v1/grants?pageSize=20'), showUsage('/v1/processing-log?pageSize=20'), showHealth()]);
}
