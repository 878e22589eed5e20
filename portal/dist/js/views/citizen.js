// The citizen: who used my data, when and why. The gateway answers only the records about the
// signed-in person; the portal adds names and plain-language purposes from the public catalog.
import { api, cached, query } from '../api.js';
import { empty, h, heading, link, para, status, table, when } from '../dom.js';
import { legalBasisText, load, orgLabel, organisationNames, pager, purposesById, sectionWith } from '../ui.js';

export async function citizenView(main) {
  main.append(heading(1, 'Wie gebruikte mijn gegevens?'),
    para('Hier ziet u welke organisaties uw gegevens via Bronpoort hebben opgevraagd, wanneer, voor welk doel en op welke wettelijke grondslag. ',
      'U ziet alleen gegevens over uzelf. Nieuwste eerst.'));
  const list = sectionWith('Gebruik van mijn gegevens');
  main.append(list.section);
  const [names, purposes, catalog] = await Promise.all([organisationNames(), purposesById().catch(() => ({})),
    cached('/v1/datasets').catch(() => ({ datasets: [] }))]);
  const titles = Object.fromEntries((catalog.datasets || []).map((d) => [d.id, d.title]));
  const show = (href) => load(list.region, async () => {
    const { data } = await api(href);
    const records = data.records || [];
    if (!records.length) return empty('Er staan geen verwerkingen van uw gegevens in het logboek.');
    return [table('Verwerkingen van mijn gegevens', ['Wanneer', 'Organisatie', 'Doel', 'Wettelijke grondslag', 'Welke gegevens', 'Uitkomst'],
      records.map((r) => {
        const p = purposes[r.purpose];
        const activity = /^https:\/\//.test(r.processingActivityId || '') ? link(r.processingActivityId, 'verwerkingsactiviteit') : null;
        return [when(r.time), orgLabel(names, r.organisation),
          h('span', {}, p ? p.name : r.purpose, p && p.description ? h('span', { class: 'portal-muted' }, ` — ${p.description}`) : null, activity ? [' (', activity, ')'] : null),
          legalBasisText(r.legalBasis || (p && p.legalBasis)), `${titles[r.dataset] || r.dataset}${r.resource ? ` (${r.resource})` : ''}`,
          r.outcome === 'released' ? status('ok', 'verstrekt') : status('bad', 'geweigerd')];
      })),
    pager('Pagina’s van mijn verwerkingen', data._links, show)];
  });
  await show(`/v1/my-processing-log${query({ pageSize: 20 })}`);
}
