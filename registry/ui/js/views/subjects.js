// Subjects: every subject with its context, format, latest version, number
// of versions, compatibility level, mode, last registration and number of
// consumers; searchable and filterable, the filters kept in the address.

import { h, link, time, pool, notice } from '../dom.js';
import { api, seg } from '../api.js';

const FORMATS = ['AVRO', 'JSON', 'PROTOBUF'];
const LEVELS = ['BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE', 'NONE'];
const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'];

/** The context of a subject name (`:.ctx:name` → `.ctx`), `.` for the default one. */
export function contextOf(name) {
  const m = /^:(\.[^:]*):/.exec(name);
  return m ? m[1] : '.';
}

function contextLabel(context) {
  return context === '.' ? 'default' : context;
}

function select(id, label, all, values, chosen, describe = (v) => v) {
  return h(
    'p',
    { class: 'filter' },
    h('label', { for: id }, label),
    h('select', { id, name: id }, h('option', { value: '' }, all), values.map((v) => h('option', { value: v, selected: v === chosen }, describe(v)))),
  );
}

export async function render(ctx) {
  const { main, query, signal } = ctx;
  ctx.title('Subjects');
  const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, 'Loading subjects…');
  main.append(h('h1', {}, 'Subjects'), status);

  const [names, latest, contexts] = await Promise.all([
    api('subjects?deleted=true', { signal }),
    api('schemas?latestOnly=true', { signal }),
    api('contexts', { signal }).catch(() => ['.']),
  ]);
  const byName = new Map(latest.map((s) => [s.subject, s]));
  const rows = names
    .slice()
    .sort((a, b) => a.localeCompare(b))
    .map((name) => ({ name, latest: byName.get(name) || null, context: contextOf(name) }));

  if (rows.length === 0) {
    main.append(
      notice(
        'info',
        h('p', {}, 'This registry has no subjects yet.'),
        h('p', {}, 'Register a schema with any Confluent client, or with ', h('code', {}, 'charter register FILE --subject NAME'), '.'),
      ),
    );
    return;
  }

  const search = h('input', { id: 'q', name: 'q', type: 'search', value: query.get('q') || '', autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter subjects', onsubmit: (e) => e.preventDefault() },
    h('p', { class: 'filter grow' }, h('label', { for: 'q' }, 'Search'), search),
    select('format', 'Format', 'All formats', FORMATS, query.get('format')),
    select('compatibility', 'Compatibility', 'All levels', LEVELS, query.get('compatibility')),
    select('mode', 'Mode', 'All modes', MODES, query.get('mode')),
    select('context', 'Context', 'All contexts', contexts, query.get('context'), contextLabel),
    h(
      'p',
      { class: 'filter choice' },
      h('input', { id: 'deleted', name: 'deleted', type: 'checkbox', checked: query.get('deleted') === 'true' }),
      h('label', { for: 'deleted' }, 'Show subjects whose versions are all soft-deleted'),
    ),
  );

  const body = h('tbody');
  const table = h(
    'table',
    { class: 'subjects' },
    h('caption', { class: 'sr' }, 'Subjects'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Subject', 'Context', 'Format', 'Latest', 'Versions', 'Compatibility', 'Mode', 'Last registered', 'Consumers'].map((t) =>
          h('th', { scope: 'col', class: t === 'Latest' || t === 'Versions' || t === 'Consumers' ? 'num' : null }, t),
        ),
      ),
    ),
    body,
  );
  for (const row of rows) {
    row.cells = {
      versions: h('td', { class: 'num' }, h('span', { class: 'muted' }, '…')),
      compatibility: h('td', {}, h('span', { class: 'muted' }, '…')),
      mode: h('td', {}, h('span', { class: 'muted' }, '…')),
      consumers: h('td', { class: 'num' }, h('span', { class: 'muted' }, '…')),
    };
    row.tr = h(
      'tr',
      {},
      h('th', { scope: 'row' }, h('a', { href: link(['subjects', row.name]) }, row.name)),
      h('td', {}, contextLabel(row.context)),
      h('td', {}, row.latest ? row.latest.schemaType : '—'),
      h('td', { class: 'num' }, row.latest ? h('a', { href: link(['subjects', row.name, 'versions', row.latest.version]) }, `v${row.latest.version}`) : h('span', {}, '✘ all soft-deleted')),
      row.cells.versions,
      row.cells.compatibility,
      row.cells.mode,
      h('td', {}, row.latest ? time(row.latest.ts) : '—'),
      row.cells.consumers,
    );
    body.append(row.tr);
  }
  main.append(form, status, h('div', { class: 'scroll' }, table));

  const apply = () => {
    const q = search.value.trim().toLowerCase();
    const chosen = Object.fromEntries(['format', 'compatibility', 'mode', 'context'].map((k) => [k, form.elements[k].value]));
    const deleted = form.elements.deleted.checked;
    let shown = 0;
    for (const row of rows) {
      const visible =
        (!q || row.name.toLowerCase().includes(q)) &&
        (!chosen.format || (row.latest && row.latest.schemaType === chosen.format)) &&
        (!chosen.compatibility || row.compatibility === chosen.compatibility) &&
        (!chosen.mode || row.mode === chosen.mode) &&
        (!chosen.context || row.context === chosen.context) &&
        (deleted || row.latest !== null);
      row.tr.hidden = !visible;
      if (visible) shown++;
    }
    const pending = rows.filter((r) => r.compatibility === undefined).length;
    status.textContent =
      `${shown} of ${rows.length} subjects shown` + (pending ? ` (still reading the settings of ${pending})` : '');
    return { q: search.value.trim(), ...chosen, deleted: deleted ? 'true' : '' };
  };
  // The filters go into the address, so that back, reload and links keep them.
  const filtered = () => history.replaceState(null, '', link(['subjects'], apply()));
  form.addEventListener('input', filtered);
  form.addEventListener('change', filtered);
  apply();

  // The consumers of each subject, from the consumer records (a principal
  // that may not list them sees a dash).
  const counting = countConsumers(signal).then((counts) => {
    for (const row of rows) {
      const n = counts ? counts.get(row.name) || 0 : null;
      row.cells.consumers.replaceChildren(
        n === null ? h('span', { class: 'muted', title: 'the consumer records are not readable with these credentials' }, '—') : n === 0 ? '0' : h('a', { href: link(['subjects', row.name, 'consumers']) }, String(n)),
      );
    }
  });

  // The per-subject settings, a few requests at a time; filters follow.
  await pool(rows, 6, async (row) => {
    if (signal.aborted) return;
    const [versions, config, mode] = await Promise.all([
      api(`subjects/${seg(row.name)}/versions?deletedAsNegative=true`, { signal }).catch(() => []),
      api(`config/${seg(row.name)}?defaultToGlobal=true`, { signal }).catch(() => ({})),
      api(`mode/${seg(row.name)}?defaultToGlobal=true`, { signal }).catch(() => ({})),
    ]);
    const live = versions.filter((v) => v > 0).length;
    const gone = versions.length - live;
    row.compatibility = config.compatibilityLevel || '';
    row.mode = mode.mode || '';
    row.cells.versions.replaceChildren(String(live), gone ? h('span', { class: 'muted' }, ` (+${gone} soft-deleted)`) : '');
    row.cells.compatibility.replaceChildren(row.compatibility || '—');
    row.cells.mode.replaceChildren(row.mode || '—');
    apply();
  });
  await counting;
}

/**
 * How many consumers read each subject (any environment), by subject name;
 * null when the consumer records may not be listed.
 */
async function countConsumers(signal) {
  let names;
  try {
    names = await api('consumers', { signal });
  } catch {
    return null;
  }
  const readers = new Map();
  await pool(names, 6, async (name) => {
    const records = await api(`consumers/${seg(name)}`, { signal }).catch(() => []);
    for (const r of records) {
      if (!readers.has(r.subject)) readers.set(r.subject, new Set());
      readers.get(r.subject).add(r.consumer);
    }
  });
  return new Map([...readers].map(([subject, consumers]) => [subject, consumers.size]));
}
