// Small helpers to build the page: elements, times, symbols, and rendering
// long lists in slices so that the tab stays responsive.

/** An element: h('a', {href: '#/x', class: 'c'}, 'text', child, [more]). */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'value') el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

/** Appends children: nodes, strings, numbers, arrays of them; skips null. */
export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
  return el;
}

/** Replaces the children of `el` (arrays flattened, null skipped). */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** Text safe to put in HTML. */
export function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** A registration time (milliseconds since the epoch) as a <time>, in UTC. */
export function time(ms) {
  if (typeof ms !== 'number' || !(ms > 0)) return h('span', { class: 'muted' }, 'unknown');
  const iso = new Date(ms).toISOString();
  return h('time', { datetime: iso }, iso.slice(0, 19).replace('T', ' ') + ' UTC');
}

/** ✔ or ✘ beside a word, so that meaning never rests on colour alone. */
export function mark(ok, text) {
  return h('span', { class: ok ? 'ok' : 'bad' }, h('span', { 'aria-hidden': 'true' }, ok ? '✔ ' : '✘ '), text);
}

/** Text only screen readers read. */
export function hidden(text) {
  return h('span', { class: 'sr' }, text);
}

/** A notice: an error, or a plain message. */
export function notice(kind, ...children) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** An error as a notice: the API's message, or what went wrong on the page. */
export function failure(e) {
  const fromApi = e && typeof e.status === 'number';
  const message = fromApi ? e.message : `Something went wrong on this page: ${e && e.message ? e.message : e}`;
  return notice('error', h('p', {}, message));
}

/** Hash link to a view. Segments are encoded; query is an object. */
export function link(segments, query) {
  let href = '#/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
  if (query) {
    const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== null && v !== undefined && v !== ''));
    const s = q.toString();
    if (s) href += '?' + s;
  }
  return href;
}

/** The file extension a schema of a format is saved with. */
export function extension(schemaType) {
  return { AVRO: 'avsc', PROTOBUF: 'proto' }[schemaType] || 'json';
}

/** Yields to the browser so that it can paint and take input. */
export function pause() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs `step(start, end)` over [0, total) in slices that each take about
 * `budget` milliseconds, yielding between them; stops when `signal` aborts.
 * Resolves with the elapsed milliseconds.
 */
export async function inSlices(total, step, { signal, budget = 12, first = 200 } = {}) {
  const started = performance.now();
  let at = 0;
  let size = first;
  while (at < total) {
    if (signal && signal.aborted) return performance.now() - started;
    const sliceStart = performance.now();
    const end = Math.min(total, at + size);
    step(at, end);
    const took = performance.now() - sliceStart;
    at = end;
    // Aim the next slice at the budget from how fast this one went.
    size = Math.max(50, Math.min(20000, Math.round((size * budget) / Math.max(took, 1))));
    if (at < total) await pause();
  }
  return performance.now() - started;
}

/** Runs `work(item)` for every item, at most `limit` at a time. */
export async function pool(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Copies text to the clipboard; resolves true when it worked. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection way
  }
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true' });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  let done = false;
  try {
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

/** Offers `text` as a file download named `name`. */
export function download(text, name, type = 'text/plain') {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = h('a', { href: url, download: name, class: 'offscreen' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
