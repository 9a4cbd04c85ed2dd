// Who reads a subject: a matrix of its consumers (one row per consumer and
// environment) × the versions each must read (the latest, and every version
// deployed to its environment from the retained one on), ✔ where the
// consumer's reader reads the version's data and ✘ where it does not. A ✘
// cell opens the breaking changes, each with its example document. What the
// page shows is `GET /subjects/{subject}/consumers`, as any client reads it.

import { h, link, time, mark, notice } from '../dom.js';
import { api, seg, ApiError } from '../api.js';
import { breadcrumb, unknownSubject } from './subject.js';

/** How a reader is described: its version, or its own schema's format. */
function readerText(reader) {
  if (reader && reader.version !== undefined) return `version ${reader.version} of the subject`;
  return `its own ${(reader && reader.schemaType) || 'AVRO'} schema`;
}

/** The breaking changes of one cell, each with its example. */
function cellDetails(status, row) {
  const who = `${status.consumer} (${status.environment})`;
  return h(
    'section',
    { class: 'panel cell-details', 'aria-labelledby': 'cell-title', tabindex: '-1' },
    h('h2', { id: 'cell-title' }, `Why ${who} cannot read version ${row.writer.version}`),
    h(
      'ol',
      { class: 'changes' },
      (row.changes || []).map((c) =>
        h(
          'li',
          { class: 'change breaking' },
          h('h3', {}, mark(false, c.kind), ' at ', h('code', {}, c.path)),
          h('p', {}, c.message),
          c.example !== undefined
            ? h(
                'div',
                { class: 'example' },
                h('p', {}, `Example: a message version ${row.writer.version} writes that ${status.consumer} cannot read:`),
                h('pre', { class: 'example-code' }, JSON.stringify(c.example, null, 2)),
              )
            : null,
        ),
      ),
    ),
  );
}

export async function render(ctx) {
  const { main, params, signal } = ctx;
  const subject = params.subject;
  ctx.title(`Consumers of ${subject}`);
  let statuses;
  try {
    statuses = await api(`subjects/${seg(subject)}/consumers`, { signal });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && e.code === 40401) {
      unknownSubject(ctx, subject);
      return;
    }
    throw e;
  }
  main.append(
    breadcrumb(['Subjects', link(['subjects'])], [subject, link(['subjects', subject])], ['Consumers']),
    h('h1', {}, `Consumers of ${subject}`),
  );
  if (statuses.length === 0) {
    main.append(
      notice(
        'info',
        h('p', {}, `No consumer has recorded a reader of ${subject}. `, 'A consumer records the reader it runs with (', h('code', {}, 'charter consumer record'), ' or ', h('code', {}, '[[consumes]]'), ' in a manifest); the registry then judges every new version against it.'),
      ),
    );
    return;
  }
  const versions = [...new Set(statuses.flatMap((s) => s.matrix.map((r) => r.writer.version)))].sort((a, b) => a - b);
  const latest = versions[versions.length - 1];
  const unreadable = statuses.filter((s) => !s.readsLatest || !s.readsDeployed).length;
  main.append(
    h(
      'p',
      {},
      `${statuses.length} consumer reader${statuses.length === 1 ? '' : 's'}; `,
      unreadable === 0 ? mark(true, 'every one reads every version it must') : mark(false, `${unreadable} cannot read a version they must`),
      '. A row lists the latest version and every version deployed to its environment (from the retained one on); a blank cell is a version it need not read.',
    ),
  );
  const details = h('div', { class: 'cell-slot' });
  const header = h(
    'tr',
    {},
    h('th', { scope: 'col' }, 'Consumer'),
    h('th', { scope: 'col' }, 'Environment'),
    h('th', { scope: 'col' }, 'Reader'),
    versions.map((v) => h('th', { scope: 'col' }, h('a', { href: link(['subjects', subject, 'versions', v]) }, `v${v}`), v === latest ? ' (latest)' : '')),
  );
  const rows = statuses.map((status) => {
    const byVersion = new Map(status.matrix.map((r) => [r.writer.version, r]));
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, status.consumer, status.consumerVersion ? h('span', { class: 'muted' }, ` ${status.consumerVersion}`) : null),
      h('td', {}, status.environment),
      h('td', {}, readerText(status.reader), h('br'), h('span', { class: 'muted' }, 'recorded ', time(status.recordedAt))),
      versions.map((v) => {
        const row = byVersion.get(v);
        if (!row) return h('td', { class: 'cell none' }, h('span', { class: 'sr' }, 'not read'));
        if (row.compatible) return h('td', { class: 'cell' }, mark(true, 'reads'));
        return h(
          'td',
          { class: 'cell' },
          h(
            'button',
            {
              type: 'button',
              class: 'link bad',
              'aria-label': `${status.consumer} in ${status.environment} cannot read version ${v}: show why`,
              onclick: () => {
                const section = cellDetails(status, row);
                details.replaceChildren(section);
                section.focus();
              },
            },
            h('span', { 'aria-hidden': 'true' }, '✘ '),
            'cannot read',
          ),
        );
      }),
    );
  });
  main.append(
    h('div', { class: 'scroll' }, h('table', { class: 'consumers' }, h('thead', {}, header), h('tbody', {}, rows))),
    details,
  );
}
