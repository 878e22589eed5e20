// The publication point, readable without signing in: datasets with their owner, category,
// resources, field definitions, quality notes and relations, and the purposes that cover them
// with their legal basis.
import { api, cached, query } from '../api.js';
import { button, dl, empty, field, h, heading, link, para, select, table, textbox } from '../dom.js';
import { CATEGORY, legalBasisText, load, sectionWith } from '../ui.js';

const SCOPE = { case: 'per zaak: één persoon per verzoek', dataset: 'hele dataset: alleen via de vertrouwde derde partij' };

function datasetCard(d) {
  return h('li', { class: 'portal-card' },
    h('h2', { class: 'utrecht-heading-2' }, link(`#/catalogus/${encodeURIComponent(d.id)}`, d.title)),
    dl([
      ['Eigenaar', d.organisation ? d.organisation.name : ''],
      ['Categorie', CATEGORY[d.category] || d.category],
      ['Resources', (d.resources || []).join(', ')],
    ]),
    para(d.description));
}

export async function catalogView(main, state) {
  const q = textbox({ type: 'search', name: 'q', value: state.q || '', autocomplete: 'off' });
  const category = select([{ value: '', label: 'Alle categorieën' },
    ...Object.entries(CATEGORY).map(([value, label]) => ({ value, label }))], { name: 'category' });
  category.value = state.category || '';
  const results = h('div', { 'aria-live': 'polite' });
  const run = () => load(results, async () => {
    state.q = q.value.trim();
    state.category = category.value;
    const { data } = await api(`/v1/datasets${query({ q: state.q, category: state.category })}`, { auth: false });
    const list = data.datasets || [];
    if (!list.length) return empty('Geen datasets gevonden. Probeer een ander zoekwoord of alle categorieën.');
    return [para(`${list.length} ${list.length === 1 ? 'dataset' : 'datasets'} gevonden.`),
      h('ul', { class: 'portal-grid' }, list.map(datasetCard))];
  });
  const form = h('form', { class: 'portal-filters', role: 'search', 'aria-label': 'Datasets zoeken', onsubmit: (e) => { e.preventDefault(); run(); } },
    field('Zoeken in titels, beschrijvingen en velden', q),
    field('Categorie', category),
    button('Zoeken', null, { type: 'submit' }));
  const purposes = sectionWith('Doelen in het doelenregister');
  main.append(
    heading(1, 'Catalogus'),
    para('Welke gegevens zijn er, wie is de eigenaar, en voor welke doelen met welke wettelijke grondslag mogen ze worden gebruikt. ',
      'Alle gegevens blijven bij de bronhouder. De volledige API staat in de ',
      link('/v1/openapi.json', 'OpenAPI-beschrijving'), '.'),
    form, results, purposes.section);
  run();
  load(purposes.region, async () => {
    const data = await cached('/v1/purposes');
    return table('Doelen met hun grondslag', ['Doel', 'Wettelijke grondslag', 'Reikwijdte', 'Rollen'],
      (data.purposes || []).map((p) => [link(`#/doelen/${encodeURIComponent(p.id)}`, p.name),
        legalBasisText(p.legalBasis), SCOPE[p.scope] || p.scope, (p.roles || []).join(', ')]));
  });
}

function resourceSection(d, r) {
  const fields = table(`Velden van ${r.id}`, ['Veld', 'Type', 'Definitie', 'Persoonsgegeven', 'Kwaliteit'],
    (r.fields || []).map((f) => [h('span', { class: 'portal-mono' }, f.name), f.format ? `${f.type} (${f.format})` : f.type,
      f.definition, f.personalData ? 'ja' : 'nee', f.quality || '—']));
  const relations = (r.relations || []).length
    ? table(`Relaties van ${r.id}`, ['Veld', 'Verwijst naar'], r.relations.map((rel) => [h('span', { class: 'portal-mono' }, rel.field),
      link(`#/catalogus/${encodeURIComponent(rel.dataset)}`, `${rel.datasetTitle || rel.dataset} / ${rel.resource}`)]))
    : para('Geen relaties met andere datasets.');
  const purposes = (r.purposes || []).length
    ? table(`Doelen die ${r.id} dekken`, ['Doel', 'Wettelijke grondslag', 'Reikwijdte', 'Rollen', 'Velden', 'Vooraf goedgekeurd'],
      r.purposes.map((p) => [link(`#/doelen/${encodeURIComponent(p.id)}`, p.name), legalBasisText(p.legalBasis),
        SCOPE[p.scope] || p.scope, (p.roles || []).join(', '), (p.fields || []).join(', '), p.preApproved ? 'ja' : 'nee']))
    : para('Nog geen doel dekt deze resource.');
  return h('section', { class: 'portal-section', 'aria-labelledby': `res-${r.id}` },
    heading(2, `Resource ${r.id}`, { id: `res-${r.id}` }),
    dl([['Identificerend veld', r.idField], ['Soort betrokkene', r.dataSubjectType],
      ['Bladeren', r.paging ? `standaard ${r.paging.defaultPageSize}, hoogstens ${r.paging.maxPageSize} per pagina` : '']]),
    fields, heading(3, 'Relaties'), relations, heading(3, 'Doelen en grondslagen'), purposes);
}

export async function datasetView(main, id) {
  const region = h('div', {});
  const title = heading(1, 'Dataset');
  main.append(para(link('#/catalogus', '← Terug naar de catalogus')), title, region);
  await load(region, async () => {
    const { data: d } = await api(`/v1/datasets/${encodeURIComponent(id)}`, { auth: false });
    title.textContent = d.title;
    document.title = `${d.title} — Bronpoort portaal`;
    return [para(d.description),
      dl([['Eigenaar', `${d.owner} — ${d.organisation.name} (OIN ${d.organisation.oin})`],
        ['Contact', d.organisation.contact ? link(`mailto:${d.organisation.contact.email}`, d.organisation.contact.name) : ''],
        ['Categorie', CATEGORY[d.category] || d.category], ['Licentie', d.license]]),
      para('Toegang: vraag eerst na of u de gegevens mag gebruiken (dataspecialist → “Mag ik dit?”). ',
        'Technisch: ', link('/v1/openapi.json', 'OpenAPI-beschrijving'), '.'),
      ...(d.resources || []).map((r) => resourceSection(d, r))];
  });
}

export async function purposeView(main, id) {
  const region = h('div', {});
  const title = heading(1, 'Doel');
  main.append(para(link('#/catalogus', '← Terug naar de catalogus')), title, region);
  await load(region, async () => {
    const { data: p } = await api(`/v1/purposes/${encodeURIComponent(id)}`, { auth: false });
    title.textContent = `Doel: ${p.name}`;
    document.title = `${p.name} — Bronpoort portaal`;
    const coverage = [];
    for (const [dataset, resources] of Object.entries(p.coverage || {})) {
      for (const [resource, fields] of Object.entries(resources)) coverage.push([
        link(`#/catalogus/${encodeURIComponent(dataset)}`, dataset), resource, fields.join(', ')]);
    }
    const activity = /^https:\/\//.test(p.processingActivity || '') ? link(p.processingActivity, p.processingActivity) : p.processingActivity;
    return [para(p.description),
      dl([['Kenmerk', h('span', { class: 'portal-mono' }, p.id)], ['Wettelijke grondslag', legalBasisText(p.legalBasis)],
        ['Verwerkingsactiviteit', activity], ['Reikwijdte', SCOPE[p.scope] || p.scope], ['Rollen', (p.roles || []).join(', ')],
        ['Geldig', p.validity ? `vanaf ${p.validity.from}${p.validity.until ? ` tot en met ${p.validity.until}` : ''}` : ''],
        ['Vooraf goedgekeurd', p.preApproved ? 'ja, door de bronhouders' : 'nee, toegang aanvragen']]),
      table('Gegevens die dit doel dekt', ['Dataset', 'Resource', 'Velden'], coverage)];
  });
}
