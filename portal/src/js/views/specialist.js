// The data specialist: "may I?" (the explain dry run in plain words), an access request, and the
// state of the organisation's requests and grants.
import { api, cached, query } from '../api.js';
import { alert, button, checkboxes, dl, empty, field, h, heading, para, select, status, table, textarea, when } from '../dom.js';
import { current } from '../session.js';
import { legalBasisText, load, pager, sectionWith } from '../ui.js';

const REQUEST_STATE = { pending: ['wait', 'in behandeling'], approved: ['ok', 'goedgekeurd'], rejected: ['bad', 'afgewezen'] };
const GRANT_STATE = { active: ['ok', 'actief'], revoked: ['bad', 'ingetrokken'], expired: ['wait', 'verlopen'] };

export function requestState(s) {
  const [kind, text] = REQUEST_STATE[s] || ['wait', s];
  return status(kind, text);
}
export function grantState(s) {
  const [kind, text] = GRANT_STATE[s] || ['wait', s];
  return status(kind, text);
}

// The selection both questions share: role, purpose, dataset, resource, fields.
async function selectionForm(session) {
  const [purposeData, catalog] = await Promise.all([cached('/v1/purposes'), cached('/v1/datasets')]);
  const purposes = (purposeData.purposes || []).filter((p) => p.roles.some((r) => session.roles.includes(r)));
  const role = select(session.roles.map((r) => ({ value: r, label: r })), { name: 'role' });
  const purpose = select(purposes.map((p) => ({ value: p.id, label: `${p.name} (${p.legalBasis.citation})` })), { name: 'purpose' });
  const dataset = select([], { name: 'dataset' });
  const resource = select([], { name: 'resource' });
  const fieldsBox = h('div', {});
  const titles = Object.fromEntries((catalog.datasets || []).map((d) => [d.id, d.title]));
  const coverage = () => (purposes.find((p) => p.id === purpose.value) || {}).coverage || {};
  const fillDatasets = () => {
    dataset.replaceChildren(...Object.keys(coverage()).map((d) => h('option', { value: d }, titles[d] || d)));
    fillResources();
  };
  const fillResources = () => {
    resource.replaceChildren(...Object.keys(coverage()[dataset.value] || {}).map((r) => h('option', { value: r }, r)));
    fillFields();
  };
  const fillFields = () => {
    const fields = (coverage()[dataset.value] || {})[resource.value] || [];
    fieldsBox.replaceChildren(fields.length
      ? checkboxes('Velden (het doel dekt alleen deze velden)', 'fields', fields.map((f) => ({ value: f, label: f, checked: true })))
      : para('Dit doel dekt hier geen velden.'));
  };
  purpose.addEventListener('change', fillDatasets);
  dataset.addEventListener('change', fillResources);
  resource.addEventListener('change', fillFields);
  fillDatasets();
  const value = () => ({
    role: role.value, purpose: purpose.value, dataset: dataset.value, resource: resource.value,
    fields: [...fieldsBox.querySelectorAll('input[name="fields"]:checked')].map((c) => c.value),
  });
  const setFields = (wanted) => {
    for (const c of fieldsBox.querySelectorAll('input[name="fields"]')) c.checked = wanted.includes(c.value);
  };
  const element = h('div', {}, purposes.length ? null : alert('warning', para('Uw rol mag geen enkel doel uit het register gebruiken.')),
    h('div', { class: 'portal-two' }, field('Rol', role), field('Doel (uit het doelenregister)', purpose)),
    h('div', { class: 'portal-two' }, field('Dataset', dataset), field('Resource', resource)), fieldsBox);
  return { element, value, setFields, purposes };
}

function explainResult(result, onRequest) {
  const p = result.purpose;
  const rows = (result.fields || []).map((f) => [h('span', { class: 'portal-mono' }, f.field),
    f.allowed ? status('ok', 'ja') : status('bad', 'nee'), f.reason || '']);
  const verdict = result.allowed
    ? alert('ok', para(h('strong', {}, 'Ja, dat mag. '), `U krijgt de velden hieronder met “ja” onder ${p ? p.legalBasis.citation : 'de grondslag van het doel'}.`))
    : alert('warning', para(h('strong', {}, 'Nee, nog niet. '), result.reason || 'Er ontbreekt iets.'),
      result.accessRequest ? para('Wat u kunt doen: vraag toegang aan bij de bronhouder voor de ontbrekende velden.') : null);
  return [verdict,
    p ? dl([['Doel', p.name], ['Wettelijke grondslag', legalBasisText(p.legalBasis)], ['Reikwijdte', p.scopeRequirement]]) : null,
    rows.length ? table('Per veld', ['Veld', 'Toegestaan', 'Waarom'], rows) : null,
    result.accessRequest ? button('Vraag toegang aan voor de ontbrekende velden', () => onRequest(result.accessRequest.body.fields || []), { kind: 'secondary' }) : null];
}

async function listSection(region, path, key, render, emptyText) {
  const show = (href) => load(region, async () => {
    const { data } = await api(href);
    const items = data[key] || [];
    if (!items.length) return empty(emptyText);
    return [render(items), para(h('span', { class: 'portal-muted' }, `${data.total ?? items.length} in totaal`)),
      pager(`Pagina's van ${key === 'grants' ? 'toestemmingen' : 'aanvragen'}`, data._links, show)];
  });
  await show(path);
}

export function requestsTable(items, caption) {
  return table(caption, ['Aangevraagd', 'Doel', 'Dataset / resource', 'Velden', 'Status', 'Besluit'],
    items.map((r) => [when(r.createdAt), r.purpose, `${r.dataset} / ${r.resource}`, r.fields.join(', '), requestState(r.state),
      r.decidedAt ? `${when(r.decidedAt)}${r.decisionReason ? `: ${r.decisionReason}` : ''}${r.approval ? ` (${r.approval})` : ''}` : '—']));
}

export async function specialistView(main) {
  const session = current();
  main.append(heading(1, 'Dataspecialist'),
    para('Vraag vooraf na of u gegevens mag gebruiken, en vraag toegang aan als er iets ontbreekt. ',
      'Elke aanvraag gaat naar de bronhouder; wat al eerder voor hetzelfde doel en dezelfde grondslag is goedgekeurd, wordt meteen toegekend.'));
  const check = sectionWith('Mag ik dit?');
  const requests = sectionWith('Mijn aanvragen');
  const grants = sectionWith('Mijn toestemmingen');
  main.append(check.section, requests.section, grants.section);
  const refreshLists = () => Promise.all([
    listSection(requests.region, `/v1/access-requests${query({ pageSize: 10 })}`, 'accessRequests',
      (items) => requestsTable(items, 'Aanvragen van mijn organisatie'), 'U heeft nog geen aanvragen gedaan.'),
    listSection(grants.region, `/v1/grants${query({ pageSize: 10 })}`, 'grants',
      (items) => table('Toestemmingen van mijn organisatie', ['Doel', 'Dataset / resource', 'Velden', 'Status', 'Geldig tot', 'Toegekend'],
        items.map((g) => [g.purpose, `${g.dataset} / ${g.resource}`, g.fields.join(', '), grantState(g.state), when(g.validUntil),
          `${when(g.grantedAt)} (${g.approval})`])), 'Uw organisatie heeft nog geen toestemmingen.'),
  ]);
  await load(check.region, async () => {
    const form = await selectionForm(session);
    const motivation = textarea({ name: 'motivation', maxlength: 2000 });
    const answer = h('div', { 'aria-live': 'polite' });
    const ask = () => load(answer, async () => {
      const { data } = await api('/v1/access-checks', { method: 'POST', body: form.value() });
      return explainResult(data, (missing) => { form.setFields(missing); motivation.focus(); });
    }, 'Bezig met controleren…');
    const request = () => load(answer, async () => {
      const body = { ...form.value(), motivation: motivation.value.trim() };
      if (!body.motivation) {
        motivation.setAttribute('aria-invalid', 'true');
        motivation.focus();
        return alert('error', para('Schrijf waarom het doel deze gegevens nodig heeft; de bronhouder leest dat.'));
      }
      motivation.removeAttribute('aria-invalid');
      const { data, traceId } = await api('/v1/access-requests', { method: 'POST', body });
      refreshLists();
      return alert(data.state === 'approved' ? 'ok' : 'info',
        para(h('strong', {}, data.state === 'approved' ? 'Aanvraag meteen goedgekeurd. ' : 'Aanvraag verstuurd. '),
          data.state === 'approved' ? `Toegekend op grond van ${data.approval === 'precedent' ? 'een eerder besluit' : 'een vooraf goedgekeurd doel'}.`
            : 'De bronhouder beslist; de status staat hieronder bij “Mijn aanvragen”.'),
        dl([['Aanvraag', h('span', { class: 'portal-mono', 'data-testid': 'request-id' }, data.id)], ['Status', requestState(data.state)],
          ['Kenmerk voor het logboek (trace id)', h('span', { class: 'portal-mono', 'data-testid': 'trace-id' }, traceId)]]));
    }, 'Bezig met versturen…');
    return h('form', { onsubmit: (e) => { e.preventDefault(); ask(); } }, form.element,
      h('div', { class: 'portal-actions' }, button('Controleer: mag ik dit?', null, { type: 'submit' })),
      field('Motivering (voor een aanvraag)', motivation, 'Waarom heeft het doel deze velden nodig? De bronhouder leest dit.'),
      h('div', { class: 'portal-actions' }, button('Vraag toegang aan', request, { kind: 'secondary' })),
      answer);
  });
  await refreshLists();
}
