// Sign-in with an OpenID Connect provider: authorization code flow with PKCE (RFC 7636, S256),
// as the NL GOV OAuth profile asks. The verifier and state wait in sessionStorage during the
// round trip; the code comes back in the query string and is removed from the address bar (and
// so from the history) at once. The token goes to sessionStorage, never into a URL.
import { signIn } from './session.js';

const PENDING = 'bronpoort.oidc-pending';

function base64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(n = 32) {
  const bytes = new Uint8Array(n);
  crypto.getRandomValues(bytes);
  return base64url(bytes);
}

export function redirectUri(config) {
  return config.redirectUri || `${location.origin}/portal/`;
}

export async function startSignIn(config) {
  const verifier = randomString(48);
  const state = randomString(16);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(config.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', redirectUri(config));
  url.searchParams.set('scope', config.scope || 'openid');
  url.searchParams.set('state', state);
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  location.assign(url.toString());
}

// Finishes a sign-in when the provider sent the browser back with ?code=…&state=…. Returns the
// session, null when there was nothing to finish, or throws with a message to show.
export async function finishSignIn(config) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  // Out of the address bar and the history before anything else.
  history.replaceState(null, '', `${location.pathname}#/inloggen`);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  if (params.has('error')) throw new Error(`De inlogdienst weigerde: ${params.get('error_description') || params.get('error')}`);
  if (!config || !pending || params.get('state') !== pending.state) {
    throw new Error('Het inloggen kon niet worden afgerond (onbekende of verlopen poging). Probeer opnieuw.');
  }
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: params.get('code'),
    redirect_uri: redirectUri(config),
    client_id: config.clientId,
    code_verifier: pending.verifier,
  });
  const response = await fetch(config.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body,
    credentials: 'omit',
  });
  const tokens = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`De inlogdienst gaf geen token: ${tokens.error_description || tokens.error || response.status}`);
  const token = tokens[config.token || 'access_token'];
  if (!token) throw new Error('De inlogdienst gaf geen bruikbaar token.');
  return signIn(token, 'oidc');
}
