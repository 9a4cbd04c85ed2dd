// The one way the page talks to the registry: its public HTTP API, exactly
// as any other client does. Credentials, when the registry asks for them,
// live in this tab's sessionStorage only and go out as the Authorization
// header; nothing else is stored.

const meta = document.querySelector('meta[name="charter-api-base"]');
/** Where the API is: `../` from the page, or the proxy prefix the server set. */
export const BASE = new URL((meta && meta.content) || '../', document.baseURI);

const AUTH_KEY = 'charter.authorization';
const WHO_KEY = 'charter.principal';
const READ_ONLY_KEY = 'charter.readOnly';

/** An answer that is not a success: status, the API's error_code, its message. */
export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

function stored(key) {
  try {
    return sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch {
    // A tab that forbids storage signs in for each request it makes.
  }
}

function changed() {
  window.dispatchEvent(new Event('charter:session'));
}

/** Who is signed in (a name, or "a token"), or null. */
export function principal() {
  return stored(AUTH_KEY) ? stored(WHO_KEY) || 'signed in' : null;
}

/** True once the registry refused a write of this session with 403. */
export function readOnly() {
  return stored(READ_ONLY_KEY) === '1';
}

/** Keeps credentials for this tab: `{user, password}` or `{token}`. */
export function signIn(credentials) {
  if (credentials.token !== undefined) {
    store(AUTH_KEY, `Bearer ${credentials.token.trim()}`);
    store(WHO_KEY, 'a token');
  } else {
    const bytes = new TextEncoder().encode(`${credentials.user}:${credentials.password}`);
    store(AUTH_KEY, `Basic ${btoa(String.fromCharCode(...bytes))}`);
    store(WHO_KEY, credentials.user);
  }
  store(READ_ONLY_KEY, null);
  changed();
}

/** Forgets the credentials. */
export function signOut() {
  store(AUTH_KEY, null);
  store(WHO_KEY, null);
  store(READ_ONLY_KEY, null);
  changed();
}

let askForCredentials = null;
let asking = null;

/**
 * Sets what is called when the registry answers 401: it shows the sign-in
 * form and resolves true once credentials were given, false when cancelled.
 */
export function onUnauthorized(handler) {
  askForCredentials = handler;
}

function ask(reason) {
  if (!asking) {
    asking = Promise.resolve(askForCredentials(reason)).finally(() => {
      asking = null;
    });
  }
  return asking;
}

async function failure(response) {
  let code = response.status;
  let message = `HTTP ${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    if (body && typeof body.error_code === 'number') code = body.error_code;
    if (body && typeof body.message === 'string') message = body.message;
  } catch {
    // not a JSON error body: keep the status line
  }
  return new ApiError(response.status, code, message);
}

/**
 * Calls the API: `path` relative to its base (`subjects/x/versions`),
 * `body` sent as JSON. `write: true` marks a change (register, delete): a
 * 403 to it means this principal may not write, and write controls hide.
 * Resolves with the JSON answer (or the text with `text: true`).
 */
export async function api(path, { method = 'GET', body, signal, write = false, text = false } = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { Accept: 'application/vnd.schemaregistry.v1+json, application/json;q=0.9' };
    if (body !== undefined) headers['Content-Type'] = 'application/vnd.schemaregistry.v1+json';
    const authorization = stored(AUTH_KEY);
    if (authorization) headers.Authorization = authorization;
    let response;
    try {
      response = await fetch(new URL(path, BASE), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        // Never the browser's own credential prompt: the page asks itself.
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new ApiError(0, 0, `The registry could not be reached: ${e && e.message ? e.message : e}`);
    }
    if (response.status === 401 && askForCredentials && attempt < 5) {
      const refused = await failure(response);
      if (await ask(authorization ? `Those credentials were refused: ${refused.message}` : refused.message)) continue;
      throw new ApiError(401, refused.code, 'This needs signing in to the registry.');
    }
    if (!response.ok) {
      const error = await failure(response);
      if (response.status === 403 && write) {
        store(READ_ONLY_KEY, '1');
        changed();
      }
      throw error;
    }
    return text ? response.text() : response.json();
  }
}

/** A path segment: a subject name or version, percent-encoded. */
export function seg(value) {
  return encodeURIComponent(String(value));
}
