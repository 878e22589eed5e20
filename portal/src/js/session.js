// The signed-in session lives in sessionStorage only: gone when the tab closes, never in a URL,
// never in localStorage. The token's claims are read for display and menus; the gateway checks
// the token itself on every call.
const KEY = 'bronpoort.session';

function decodeClaims(token) {
  const part = token.split('.')[1] || '';
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

export function signIn(token, via) {
  const claims = decodeClaims(token);
  // Only what the portal shows; the BSN claim of a citizen is not copied.
  const session = {
    token,
    via,
    subject: claims.sub,
    organisation: claims.org,
    roles: Array.isArray(claims.roles) ? claims.roles : [],
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

export function current() {
  let s;
  try {
    s = JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    s = null;
  }
  if (s && s.expiresAt && s.expiresAt < Date.now()) {
    signOut();
    return null;
  }
  return s;
}

export function token() {
  const s = current();
  return s ? s.token : null;
}

export function signOut() {
  for (const k of Object.keys(sessionStorage)) {
    if (k.startsWith('bronpoort.')) sessionStorage.removeItem(k);
  }
}

export function hasRole(...roles) {
  const s = current();
  return !!s && s.roles.some((r) => roles.includes(r));
}

// The screens a signed-in user has, in menu order.
export const SPECIALIST_ROLES = ['analyst', 'case-worker'];
export const HOLDER_ROLES = ['source-admin'];
export const AUDITOR_ROLES = ['auditor', 'privacy-officer'];
export const CITIZEN_ROLES = ['data-subject'];

export function homeFor(session) {
  if (!session) return '#/';
  const r = session.roles;
  if (r.some((x) => CITIZEN_ROLES.includes(x))) return '#/mijn-gegevens';
  if (r.some((x) => AUDITOR_ROLES.includes(x))) return '#/auditor';
  if (r.some((x) => HOLDER_ROLES.includes(x))) return '#/bronhouder';
  return '#/specialist';
}
