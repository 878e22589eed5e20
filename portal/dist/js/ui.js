// Pieces several screens share: error messages from problem documents, paging, names.
import { alert, button, h, para } from './dom.js';
import { cached } from './api.js';

// An API error as the problem document's detail (and its code, for the curious).
export function errorMessage(err) {
  const code = err && err.problem && err.problem.code;
  const extra = err && err.status === 401 ? ' Log opnieuw in.' : '';
  return alert('error', para(`${err && err.message ? err.message : String(err)}${extra}`),
    code ? para(h('span', { class: 'portal-muted' }, `Foutcode: ${code}`)) : null);
}

// Runs `work` with a loading message in `region`, replacing it with the result or the error.
export async function load(region, work, what = 'Bezig met laden…') {
  region.setAttribute('aria-busy', 'true');
  region.replaceChildren(h('p', { class: 'utrecht-paragraph portal-muted', role: 'status' }, what));
  try {
    const content = await work();
    region.replaceChildren(...[content].flat().filter(Boolean));
  } catch (err) {
    region.replaceChildren(errorMessage(err));
  } finally {
    region.removeAttribute('aria-busy');
  }
}

// "Vorige" / "Volgende" for lists that answer with _links.prev / _links.next.
export function pager(label, links, go) {
  const prev = links && links.prev && links.prev.href;
  const next = links && links.next && links.next.href;
  if (!prev && !next) return null;
  return h('nav', { class: 'portal-actions', 'aria-label': label },
    prev ? button('Vorige pagina', () => go(prev), { kind: 'secondary' }) : null,
    next ? button('Volgende pagina', () => go(next), { kind: 'secondary' }) : null);
}

export const CATEGORY = { person: 'Persoon', business: 'Bedrijf', location: 'Locatie', sensor: 'Sensor' };

// OIN -> organisation name: source holders from the catalog, requesting organisations from the
// portal's settings. Unknown OINs are shown as they are.
export async function organisationNames() {
  const names = {};
  try {
    const settings = await cached('/portal/portal-config.json');
    Object.assign(names, settings.organisations || {});
  } catch { /* names are a courtesy */ }
  try {
    const catalog = await cached('/v1/datasets');
    for (const d of catalog.datasets || []) if (d.organisation) names[d.organisation.oin] = d.organisation.name;
  } catch { /* idem */ }
  return names;
}

export function orgLabel(names, oin) {
  if (!oin) return '';
  return names[oin] ? `${names[oin]} (OIN ${oin})` : `OIN ${oin}`;
}

export async function purposesById() {
  const out = {};
  const data = await cached('/v1/purposes');
  for (const p of data.purposes || []) out[p.id] = p;
  return out;
}

export function legalBasisText(lb) {
  if (!lb) return '';
  if (typeof lb === 'string') return lb;
  return [lb.citation, lb.category ? `(${lb.category})` : ''].filter(Boolean).join(' ');
}

export function sectionWith(titleText, level = 2) {
  const region = h('div', {});
  const hid = `s-${titleText.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const section = h('section', { class: 'portal-section', 'aria-labelledby': hid },
    h(`h${level}`, { class: `utrecht-heading-${level}`, id: hid }, titleText), region);
  return { section, region };
}
