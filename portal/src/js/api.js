// Calls to the gateway's own public API. Errors become ApiError carrying the problem document,
// whose `detail` is what the portal shows.
import { token } from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `De gateway antwoordde met status ${status}.`);
    this.status = status;
    this.problem = problem || {};
  }
}

function traceIdOf(response) {
  const tp = response.headers.get('traceparent') || '';
  const parts = tp.split('-');
  return parts.length === 4 ? parts[1] : '';
}

export async function api(path, { method = 'GET', body, auth = true, raw = false } = {}) {
  const headers = { Accept: 'application/json' };
  const t = auth ? token() : null;
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
      redirect: 'error',
    });
  } catch {
    throw new ApiError(0, { detail: 'De gateway is niet bereikbaar. Probeer het later opnieuw.' });
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = null;
    }
    throw new ApiError(response.status, problem);
  }
  if (raw) return { response, traceId: traceIdOf(response) };
  const text = await response.text();
  return { data: text ? JSON.parse(text) : null, traceId: traceIdOf(response), headers: response.headers };
}

// A query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// Public data that rarely changes (catalog, purposes, portal settings), fetched once per page load.
const cache = new Map();
export function cached(path) {
  if (!cache.has(path)) {
    const p = api(path, { auth: false }).then((r) => r.data);
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return cache.get(path);
}
