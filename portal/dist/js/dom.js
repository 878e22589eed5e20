// A few helpers to build the page with DOM calls only: text is always set as text, never parsed
// as HTML, so nothing the API returns can become markup or script.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = !!value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let uid = 0;
export function id(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

export const heading = (level, text, attrs = {}) =>
  h(`h${level}`, { class: `utrecht-heading-${level}`, ...attrs }, text);
export const para = (...children) => h('p', { class: 'utrecht-paragraph' }, ...children);
export const link = (href, text, attrs = {}) => h('a', { class: 'utrecht-link', href, ...attrs }, text);

export function button(text, onclick, { kind = 'primary', type = 'button', ...attrs } = {}) {
  return h('button', { class: `utrecht-button utrecht-button--${kind}-action`, type, onclick, ...attrs }, text);
}

// A labelled form field; `control` gets the id the label points at.
export function field(label, control, description) {
  const controlId = control.id || id('veld');
  control.id = controlId;
  let descId;
  if (description) {
    descId = `${controlId}-uitleg`;
    control.setAttribute('aria-describedby', descId);
  }
  return h('div', { class: 'utrecht-form-field utrecht-form-field--text' },
    h('div', { class: 'utrecht-form-field__label' },
      h('label', { class: 'utrecht-form-label', for: controlId }, label)),
    description ? h('div', { class: 'utrecht-form-field-description', id: descId }, description) : null,
    h('div', { class: 'utrecht-form-field__input' }, control));
}

export const textbox = (attrs = {}) =>
  h('input', { class: 'utrecht-textbox utrecht-textbox--html-input', type: 'text', ...attrs });
export const textarea = (attrs = {}) =>
  h('textarea', { class: 'utrecht-textarea utrecht-textarea--html-textarea', rows: 3, ...attrs });

export function select(options, attrs = {}) {
  const el = h('select', { class: 'utrecht-select utrecht-select--html-select', ...attrs });
  for (const o of options) el.append(h('option', { value: o.value }, o.label));
  return el;
}

export function checkboxes(legend, name, items) {
  return h('fieldset', { class: 'utrecht-form-fieldset utrecht-form-fieldset--html-fieldset' },
    h('legend', { class: 'utrecht-form-fieldset__legend utrecht-form-fieldset__legend--html-legend' }, legend),
    h('div', { class: 'portal-checkboxes' }, items.map((item) => {
      const cid = id(name);
      return h('label', { for: cid, class: 'utrecht-form-label utrecht-form-label--checkbox' },
        h('input', { type: 'checkbox', class: 'utrecht-checkbox utrecht-checkbox--html-input', id: cid, name, value: item.value, checked: item.checked }),
        item.label);
    })));
}

// kind: info, ok, warning, error. Errors are announced (role=alert); others are status messages.
export function alert(kind, ...children) {
  return h('div', { class: `utrecht-alert utrecht-alert--${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('div', { class: 'utrecht-alert__content' }, h('div', { class: 'utrecht-alert__message' }, ...children)));
}

export function table(caption, headers, rows) {
  return h('div', { class: 'portal-table-wrap' },
    h('table', { class: 'utrecht-table utrecht-table--html-table portal-table' },
      h('caption', { class: 'utrecht-table__caption' }, caption),
      h('thead', { class: 'utrecht-table__header' },
        h('tr', { class: 'utrecht-table__row' }, headers.map((t) => h('th', { class: 'utrecht-table__header-cell', scope: 'col' }, t)))),
      h('tbody', { class: 'utrecht-table__body' },
        rows.map((cells) => h('tr', { class: 'utrecht-table__row' }, cells.map((c) => h('td', { class: 'utrecht-table__cell' }, c)))))));
}

export function status(kind, text) {
  return h('span', { class: `portal-status portal-status--${kind}` }, text);
}

export const loading = (what = 'Bezig met laden…') => h('p', { class: 'utrecht-paragraph portal-muted', role: 'status' }, what);
export const empty = (text) => para(h('em', {}, text));

export function dl(pairs) {
  return h('dl', { class: 'portal-dl' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// "2026-11-28T10:01:02.123456Z" as a Dutch date and time.
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('nl-NL', { dateStyle: 'medium', timeStyle: 'medium', timeZone: 'Europe/Amsterdam' });
}
