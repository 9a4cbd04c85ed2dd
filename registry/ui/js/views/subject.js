// A subject: its settings, the data contract of its latest version, and its
// versions as a timeline (newest first), each with its registration time,
// schema id, data contract in one line, references and the schemas that
// reference it; soft-deleted versions marked.

import { h, link, time, mark, notice, pool } from '../dom.js';
import { api, seg, ApiError } from '../api.js';
import { contextOf } from './subjects.js';
import { contractSummary, contractSection } from '../contract.js';

/** Every version of `subject`, soft-deleted ones included, oldest first. */
export async function allVersions(subject, signal) {
  const found = await api(`schemas?subjectPrefix=${encodeURIComponent(subject)}&deleted=true`, { signal });
  return found.filter((s) => s.subject === subject).sort((a, b) => a.version - b.version);
}

/**
 * The subject's compatibility level, policy and mode, each with whether it
 * is set on the subject or comes from the registry's default.
 */
export async function settings(subject, signal) {
  const own = (path) =>
    api(path, { signal }).catch((e) => {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    });
  const [config, globalConfig, mode, globalMode] = await Promise.all([
    own(`config/${seg(subject)}`),
    api('config', { signal }),
    own(`mode/${seg(subject)}`),
    api('mode', { signal }),
  ]);
  const level = (config && config.compatibilityLevel) || globalConfig.compatibilityLevel || 'BACKWARD';
  const policy = (config && config.compatibilityPolicy) || globalConfig.compatibilityPolicy || 'STRICT';
  return {
    level,
    policy,
    levelOwn: Boolean(config && config.compatibilityLevel),
    mode: (mode && mode.mode) || globalMode.mode || 'READWRITE',
    modeOwn: Boolean(mode && mode.mode),
  };
}

/**
 * Who registered each version, from the audit trail (Charter's registry,
 * when the caller may read the subject's trail): version → `by NAME`, or
 * `from ADDRESS` on an open registry. Empty when there is no trail.
 */
async function whoRegistered(subject, signal) {
  const trail = await api(`audit?subject=${encodeURIComponent(subject)}&limit=1000`, { signal }).catch(() => ({ events: [] }));
  const who = new Map();
  for (const e of trail.events || []) {
    if ((e.action === 'register' || e.action === 'import') && e.outcome === 'done' && e.version && !who.has(e.version)) {
      who.set(e.version, e.principal ? `by ${e.principal}` : e.address ? `from ${e.address}` : '');
    }
  }
  return who;
}

/** The page for a subject the registry does not have. */
export function unknownSubject(ctx, subject) {
  ctx.title('Unknown subject');
  ctx.main.append(
    h('h1', {}, 'Unknown subject'),
    notice(
      'error',
      h('p', {}, `This registry has no subject named “${subject}”, and never had one (no soft-deleted versions either).`),
      h('p', {}, 'Subject names are matched exactly, case included. ', h('a', { href: link(['subjects'], { q: subject }) }, 'Search the subjects'), '.'),
    ),
  );
}

export function breadcrumb(...items) {
  return h(
    'nav',
    { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
    h(
      'ol',
      {},
      items.map(([label, href], i) =>
        h('li', {}, href && i < items.length - 1 ? h('a', { href }, label) : h('span', { 'aria-current': 'page' }, label)),
      ),
    ),
  );
}

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

/** Links to the subject versions that use schema `id`. */
export async function usersOf(id, signal) {
  const users = await api(`schemas/ids/${id}/versions?deleted=true`, { signal }).catch(() => []);
  return users;
}

/**
 * The subject a reference of a version of `parent` names: the registry
 * answers references as posted, so in a context (`:.ctx:person`) a bare
 * `address` is that context's `:.ctx:address`.
 */
export function referencedSubject(parent, subject) {
  const context = /^(:\.[^:]*:)/.exec(parent || '');
  return context && !subject.startsWith(':.') ? context[1] + subject : subject;
}

export function referenceList(references, parent) {
  if (!references || references.length === 0) return null;
  return h(
    'ul',
    { class: 'inline' },
    references.map((r) => {
      const target = referencedSubject(parent, r.subject);
      return h('li', {}, h('code', {}, r.name), ' → ', h('a', { href: link(['subjects', target, 'versions', r.version]) }, `${r.subject} v${r.version}`));
    }),
  );
}

/** Fills `into` with the versions of other subjects that reference `subject` `version`. */
export async function fillReferencedBy(into, subject, version, signal) {
  const ids = await api(`subjects/${seg(subject)}/versions/${version}/referencedby`, { signal }).catch(() => []);
  if (ids.length === 0) {
    into.replaceChildren(h('span', { class: 'muted' }, 'nothing'));
    return;
  }
  const users = (await pool(ids, 4, (id) => usersOf(id, signal))).flat();
  into.replaceChildren(
    h(
      'ul',
      { class: 'inline' },
      users.map((u) => h('li', {}, h('a', { href: link(['subjects', u.subject, 'versions', u.version]) }, `${u.subject} v${u.version}`))),
    ),
  );
}

export async function render(ctx) {
  const { main, params, signal } = ctx;
  const subject = params.subject;
  ctx.title(subject);
  const [versions, config, registrars] = await Promise.all([allVersions(subject, signal), settings(subject, signal), whoRegistered(subject, signal)]);
  if (versions.length === 0) {
    unknownSubject(ctx, subject);
    return;
  }
  const live = versions.filter((v) => !v.deleted);
  const latest = live[live.length - 1] || null;
  const formats = [...new Set(versions.map((v) => v.schemaType))];

  main.append(
    breadcrumb(['Subjects', link(['subjects'])], [subject]),
    h('h1', {}, subject),
    h(
      'dl',
      { class: 'facts' },
      fact('Context', contextOf(subject) === '.' ? 'default' : contextOf(subject)),
      fact('Format', formats.join(', ')),
      fact('Compatibility', h('strong', {}, config.level), `, policy ${config.policy} `, h('span', { class: 'muted' }, config.levelOwn ? '(set on this subject)' : "(the registry's default)")),
      fact('Mode', h('strong', {}, config.mode), ' ', h('span', { class: 'muted' }, config.modeOwn ? '(set on this subject)' : "(the registry's default)")),
      fact('Versions', `${live.length} live`, versions.length > live.length ? `, ${versions.length - live.length} soft-deleted` : ''),
      fact('Consumers', h('a', { href: link(['subjects', subject, 'consumers']) }, 'who reads it, and whether they can read each version')),
      fact('Latest', latest ? h('a', { href: link(['subjects', subject, 'versions', latest.version]) }, `version ${latest.version}, schema id ${latest.id}`) : mark(false, 'every version is soft-deleted')),
    ),
  );

  if (live.length > 0) main.append(compareForm(subject, live));
  if (latest) main.append(contractSection(latest, `Data contract of version ${latest.version}, the latest`, 'contract-title'));

  const timeline = h('ol', { class: 'timeline', reversed: true });
  const pending = [];
  for (const v of versions.slice().reverse()) {
    const referencedBy = h('span', {}, h('span', { class: 'muted' }, '…'));
    if (!v.deleted) pending.push(() => fillReferencedBy(referencedBy, subject, v.version, signal));
    else referencedBy.replaceChildren(h('span', { class: 'muted' }, 'not looked up for a soft-deleted version'));
    const previous = live.filter((p) => p.version < v.version).pop();
    timeline.append(
      h(
        'li',
        { class: v.deleted ? 'deleted' : '' },
        h(
          'h3',
          {},
          h('a', { href: link(['subjects', subject, 'versions', v.version]) }, `Version ${v.version}`),
          v.deleted ? h('span', { class: 'badge bad' }, h('span', { 'aria-hidden': 'true' }, '✘ '), 'soft-deleted') : null,
        ),
        h('p', {}, 'Registered ', time(v.ts), registrars.has(v.version) ? h('span', { class: 'who' }, ' ', registrars.get(v.version)) : null, ` · schema id ${v.id} · ${v.schemaType}`),
        contractSummary(v),
        h('dl', { class: 'facts compact' }, fact('References', referenceList(v.references, subject) || h('span', { class: 'muted' }, 'none')), fact('Referenced by', referencedBy)),
        previous && !v.deleted
          ? h('p', {}, h('a', { href: link(['subjects', subject, 'compare'], { a: previous.version, b: v.version }) }, `What changed since version ${previous.version}`))
          : null,
      ),
    );
  }
  main.append(h('section', { 'aria-labelledby': 'versions-title' }, h('h2', { id: 'versions-title' }, 'Versions, newest first'), timeline));
  await pool(pending, 4, (fill) => fill());
}

/** Pick two versions to compare, or check a candidate. */
function compareForm(subject, live) {
  const numbers = live.map((v) => v.version);
  const last = numbers[numbers.length - 1];
  return h(
    'section',
    { 'aria-labelledby': 'compare-title', class: 'panel' },
    h('h2', { id: 'compare-title' }, 'Compare'),
    versionPicker(subject, numbers, numbers[0], last),
    h('p', {}, h('a', { href: link(['subjects', subject, 'compare'], { a: last, candidate: 1 }) }, `Check a new schema against version ${last}`)),
  );
}

/**
 * A form that opens the comparison of version `a` with version `b` of
 * `subject`, both chosen among `numbers`; with `b` null, the check of a new
 * schema against `a`.
 */
export function versionPicker(subject, numbers, a, b) {
  const options = (chosen) => numbers.map((n) => h('option', { value: n, selected: n === chosen }, `version ${n}`));
  const first = h('select', { id: 'compare-a', name: 'a' }, options(a));
  const second = b === null ? null : h('select', { id: 'compare-b', name: 'b' }, options(b));
  return h(
    'form',
    {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        const query = second ? { a: first.value, b: second.value } : { a: first.value, candidate: 1 };
        location.hash = link(['subjects', subject, 'compare'], query);
      },
    },
    h('label', { for: 'compare-a' }, second ? 'Compare version' : 'Check against'),
    first,
    second ? [h('label', { for: 'compare-b' }, 'with version'), second] : null,
    h('button', { type: 'submit' }, second ? 'Compare' : 'Switch'),
  );
}
