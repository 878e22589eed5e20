// The auditor and privacy officer: log search with the API's filters, cursor paging, a record's
// detail beside its linked audit record, chain verification with the checkpoints, NDJSON export,
// and the runs of the trusted third party (linked queries).
import { api, cached, query } from '../api.js';
import { alert, button, dl, empty, field, h, heading, para, select, status, table, textbox, when } from '../dom.js';
import { token } from '../session.js';
import { errorMessage, load, orgLabel, organisationNames, pager, sectionWith } from '../ui.js';
import { logTable } from './holder.js';

function isoFromLocal(value) {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function recordDetail(r) {
  const attributes = Object.entries(r.attributes || {}).map(([k, v]) => [k, h('span', { class: 'portal-mono' }, String(v))]);
  return h('div', {},
    dl([['Soort', r.kind], ['Gebeurtenis', r.event], ['Trace id', h('span', { class: 'portal-mono' }, r.traceId)],
      ['Span', h('span', { class: 'portal-mono' }, r.spanId)], ['Bovenliggende span', r.parentSpanId ? h('span', { class: 'portal-mono' }, r.parentSpanId) : ''],
      ['Naam', r.name], ['Begin', when(r.startTime)], ['Einde', when(r.endTime)], ['Status', r.status],
      ['Organisatie', r.organisation], ['Rol', r.role], ['Gebruiker', r.user], ['Doel', r.purpose], ['Grondslag', r.legalBasis],
      ['Dataset', r.dataset], ['Resource', r.resource], ['Bronhouder', r.ownerOrganisation], ['Besluit', r.decision],
      ['Reden', r.reasonCode], ['HTTP-status', r.httpStatus], ['Velden verstrekt', (r.fieldsReleased || []).join(', ')],
      ['Velden achtergehouden', (r.fieldsWithheld || []).join(', ')], ['Keten / volgnummer', `${r.chainId} / ${r.seq}`],
      ['Hash', h('span', { class: 'portal-mono' }, r.hash)], ...attributes]),
    r.details ? h('pre', { class: 'portal-pre', tabindex: 0, role: 'region', 'aria-label': `Details van record ${r.chainId} ${r.seq} (JSON)` }, JSON.stringify(r.details, null, 2)) : null);
}

async function download(path, filename) {
  // fetch with the token in a header, then save the body: the token never goes into a URL.
  const response = await fetch(path, { headers: { Authorization: `Bearer ${token()}`, Accept: 'application/x-ndjson' }, credentials: 'omit', cache: 'no-store' });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw Object.assign(new Error(problem.detail || `Export mislukt (${response.status}).`), { status: response.status, problem });
  }
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return blob.size;
}

export async function auditorView(main) {
  main.append(heading(1, 'Auditor'),
    para('Zoek in het verwerkingenlogboek, bekijk een record met het bijbehorende auditrecord, controleer de hashketen en exporteer voor nader onderzoek.'));
  const names = await organisationNames();
  const catalog = await cached('/v1/datasets').catch(() => ({ datasets: [] }));
  const purposes = await cached('/v1/purposes').catch(() => ({ purposes: [] }));
  const f = {
    from: h('input', { class: 'utrecht-textbox utrecht-textbox--html-input', type: 'datetime-local', name: 'from' }),
    to: h('input', { class: 'utrecht-textbox utrecht-textbox--html-input', type: 'datetime-local', name: 'to' }),
    dataset: select([{ value: '', label: 'Alle datasets' }, ...(catalog.datasets || []).map((d) => ({ value: d.id, label: d.title }))], { name: 'dataset' }),
    purpose: select([{ value: '', label: 'Alle doelen' }, ...(purposes.purposes || []).map((p) => ({ value: p.id, label: p.name }))], { name: 'purpose' }),
    organisation: textbox({ name: 'organisation', inputmode: 'numeric', pattern: '[0-9]{20}', autocomplete: 'off' }),
    traceId: textbox({ name: 'traceId', autocomplete: 'off', spellcheck: 'false' }),
    decision: select([{ value: '', label: 'Alle besluiten' }, { value: 'allow', label: 'Toegestaan' }, { value: 'deny', label: 'Geweigerd' }], { name: 'decision' }),
    kind: select([{ value: '', label: 'Alle soorten' }, { value: 'processing', label: 'Verwerking (per betrokkene)' }, { value: 'audit', label: 'Audit (wie vroeg wat)' }], { name: 'kind' }),
    status: select([{ value: '', label: 'Alle uitkomsten' }, { value: 'Ok', label: 'Gelukt (Ok)' }, { value: 'Error', label: 'Mislukt (Error)' }], { name: 'status' }),
  };
  const filters = () => ({
    from: isoFromLocal(f.from.value), to: isoFromLocal(f.to.value), dataset: f.dataset.value, purpose: f.purpose.value,
    organisation: f.organisation.value.trim(), traceId: f.traceId.value.trim(), decision: f.decision.value, kind: f.kind.value, status: f.status.value,
  });
  const results = h('div', { 'aria-live': 'polite' });
  const detail = sectionWith('Record in detail');
  detail.region.append(para(h('span', { class: 'portal-muted' }, 'Kies “Details” bij een record.')));
  const showDetail = (r) => {
    load(detail.region, async () => {
      const linked = await api(`/v1/processing-log${query({ traceId: r.traceId, pageSize: 50 })}`);
      const others = (linked.data.records || []).filter((x) => !(x.chainId === r.chainId && x.seq === r.seq));
      const audit = others.filter((x) => x.kind === 'audit');
      return h('div', { class: 'portal-two' },
        h('div', {}, h('h3', { class: 'utrecht-heading-3' }, `Record ${r.chainId} / ${r.seq}`), recordDetail(r)),
        h('div', {}, h('h3', { class: 'utrecht-heading-3' }, r.kind === 'audit' ? 'Records met hetzelfde trace id' : 'Gekoppeld auditrecord'),
          (r.kind === 'audit' ? others : audit).length ? (r.kind === 'audit' ? others : audit).map(recordDetail) : empty('Geen gekoppeld record gevonden.')));
    });
    detail.section.scrollIntoView({ block: 'start' });
    detail.section.querySelector('h2').setAttribute('tabindex', '-1');
    detail.section.querySelector('h2').focus();
  };
  const search = (href) => load(results, async () => {
    const { data } = await api(href);
    const records = data.records || [];
    if (!records.length) return empty('Geen records gevonden met deze filters.');
    return [para(`${records.length} ${records.length === 1 ? 'record' : 'records'} op deze pagina, nieuwste eerst.`), logTable('Gevonden records', records, names, showDetail),
      pager('Pagina’s van de zoekresultaten', data._links, search)];
  }, 'Bezig met zoeken…');
  const exportStatus = h('div', { 'aria-live': 'polite' });
  const doExport = async () => {
    exportStatus.replaceChildren(para('Bezig met exporteren…'));
    try {
      const size = await download(`/v1/processing-log/export${query(filters())}`, 'verwerkingenlogboek.ndjson');
      exportStatus.replaceChildren(alert('ok', para(`Export gedownload (${size} bytes, NDJSON: één record per regel).`)));
    } catch (err) {
      exportStatus.replaceChildren(errorMessage(err));
    }
  };
  const form = h('form', { 'aria-label': 'Zoeken in het logboek', onsubmit: (e) => { e.preventDefault(); search(`/v1/processing-log${query({ ...filters(), pageSize: 25 })}`); } },
    h('div', { class: 'portal-two' }, field('Vanaf', f.from), field('Tot', f.to)),
    h('div', { class: 'portal-two' }, field('Dataset', f.dataset), field('Doel', f.purpose)),
    h('div', { class: 'portal-two' }, field('Organisatie (OIN)', f.organisation), field('Trace id', f.traceId, '32 hexadecimale tekens, bijvoorbeeld uit een foutmelding of een aanvraag.')),
    h('div', { class: 'portal-two' }, field('Besluit', f.decision), field('Soort record', f.kind)),
    field('Uitkomst', f.status),
    h('div', { class: 'portal-actions' }, button('Zoeken', null, { type: 'submit' }), button('Exporteren (NDJSON)', doExport, { kind: 'secondary' })),
    exportStatus);
  const searchSection = sectionWith('Logboek doorzoeken');
  searchSection.region.append(form, results);
  const chain = sectionWith('Hashketen controleren');
  const runs = sectionWith('Vertrouwde derde partij: gekoppelde bevragingen');
  main.append(searchSection.section, detail.section, chain.section, runs.section);
  const verify = () => load(chain.region, async () => {
    const [{ data: report }, checkpoints] = await Promise.all([api('/v1/processing-log/verify'),
      api('/v1/processing-log/checkpoints').then((r) => r.data).catch(() => ({ checkpoints: [] }))]);
    const latest = {};
    for (const c of checkpoints.checkpoints || []) if (!latest[c.chainId] || latest[c.chainId].seq < c.seq) latest[c.chainId] = c;
    return [report.ok ? alert('ok', para(h('strong', {}, 'De keten is intact. '), 'Geen record is gewijzigd, verwijderd of verplaatst.'))
      : alert('error', para(h('strong', {}, 'De keten is verbroken. '), 'Zie het eerste gebroken record hieronder.')),
    table('Ketens', ['Keten', 'Uitkomst', 'Records', 'Laatste volgnummer', 'Checkpoints geverifieerd', 'Laatste checkpoint', 'Eerste breuk'],
      (report.chains || []).map((c) => [c.chainId, c.ok ? status('ok', 'intact') : status('bad', 'verbroken'), String(c.records), String(c.headSeq),
        String(c.checkpointsVerified), latest[c.chainId] ? `${latest[c.chainId].seq} — ${when(latest[c.chainId].signedAt)} (Ed25519, sleutel ${latest[c.chainId].keyId})` : 'nog geen',
        c.firstBrokenSeq ? `${c.firstBrokenSeq}: ${c.problem} — ${c.detail}` : '—'])),
    button('Opnieuw controleren', verify, { kind: 'secondary' })];
  }, 'Bezig met controleren van de keten…');
  chain.region.append(button('Keten controleren', verify));
  const showRuns = () => load(runs.region, async () => {
    const [defs, log] = await Promise.all([cached('/v1/linked-queries'), api(`/v1/processing-log${query({ kind: 'audit', pageSize: 200 })}`)]);
    const runRecords = (log.data.records || []).filter((r) => r.details && r.details.linkedQuery);
    const delivery = (d) => [d.aggregate ? `aggregaten (cellen kleiner dan ${d.aggregate.minCellSize} onderdrukt)` : null,
      d.rows ? 'gepseudonimiseerde rijen' : null].filter(Boolean).join('; ');
    return [table('Gekoppelde bevragingen', ['Bevraging', 'Doel', 'Levering'], (defs.linkedQueries || []).map((q) => [q.title || q.id, q.purpose || '', delivery(q.deliveries || {})])),
      runRecords.length ? table('Recente uitvoeringen', ['Tijd', 'Bevraging', 'Organisatie', 'Doel', 'Uitkomst', 'Onderdrukte cellen', 'Trace id'],
        runRecords.map((r) => [when(r.startTime), r.details.linkedQuery, orgLabel(names, r.organisation), r.purpose, r.httpStatus ? String(r.httpStatus) : r.status,
          r.details.suppressedCells !== undefined ? String(r.details.suppressedCells) : '—', h('span', { class: 'portal-mono' }, r.traceId)]))
        : empty('Nog geen uitvoeringen in het logboek.')];
  });
  await Promise.all([search(`/v1/processing-log${query({ pageSize: 25 })}`), showRuns()]);
}
