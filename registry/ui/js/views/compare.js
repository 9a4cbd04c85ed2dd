// Compare two versions of a subject, or a version and a pasted candidate:
// the registry's verdict from its compatibility endpoint (verbose, so with
// each breaking change, its example document, and the other changes) under
// the subject's level and policy, and the two texts side by side with the
// lines that differ marked.

import { h, link, mark, notice, failure, inSlices, escapeHtml, append } from '../dom.js';
import { api, seg, ApiError } from '../api.js';
import { schemaLines, valueLines, lineText, lineHtml } from '../highlight.js';
import { sideBySide } from '../diff.js';
import { codeView } from '../code.js';
import { breadcrumb, settings, versionPicker } from './subject.js';
import { findVersion } from './version.js';

const READERS = {
  backward: (older, newer) => `consumers on ${newer} reading data written with ${older}`,
  forward: (older, newer) => `consumers still on ${older} reading data written with ${newer}`,
};

export async function render(ctx) {
  const { main, params, query, signal } = ctx;
  const subject = params.subject;
  const a = query.get('a') || 'latest';
  const candidateMode = query.has('candidate') || !query.get('b');
  const older = await findVersion(ctx, subject, a);
  if (!older) return;
  let newer = null;
  if (!candidateMode) {
    newer = await findVersion(ctx, subject, query.get('b'));
    if (!newer) return;
  }
  const [config, numbers] = await Promise.all([
    settings(subject, signal),
    api(`subjects/${seg(subject)}/versions`, { signal }).catch(() => []),
  ]);
  const nameA = `version ${older.version}`;
  const title = candidateMode ? `Check a new schema against version ${older.version}` : `Compare version ${older.version} with version ${newer.version}`;
  ctx.title(`${subject}: ${title}`);
  append(main, [
    breadcrumb(['Subjects', link(['subjects'])], [subject, link(['subjects', subject])], [candidateMode ? 'Check a new schema' : 'Compare']),
    h('h1', {}, `${subject}: ${title}`),
    numbers.length > 1 ? versionPicker(subject, numbers, older.version, candidateMode ? null : newer.version) : null,
    h(
      'p',
      { class: 'muted' },
      `The registry judges the ${candidateMode ? 'new schema' : `later text (version ${newer.version})`} as if it were registered after ${nameA}, ` +
        `under this subject's compatibility ${config.level} and policy ${config.policy}: the same verdict its API gives.`,
    ),
  ]);
  const results = h('div', { class: 'results' });
  if (!candidateMode) {
    main.append(results);
    await judge(results, { subject, older, newer, nameA, nameB: `version ${newer.version}`, config, signal });
    return;
  }
  main.append(await candidateForm(subject, older, config, results, signal), results);
}

async function candidateForm(subject, older, config, results, signal) {
  const text = h('textarea', { id: 'candidate', name: 'candidate', rows: 18, spellcheck: 'false', class: 'mono' });
  text.value = (await schemaLines(older.schemaType, older.schema)).map(lineText).join('\n');
  const format = h(
    'select',
    { id: 'candidate-format', name: 'format' },
    ['AVRO', 'JSON', 'PROTOBUF'].map((f) => h('option', { value: f, selected: f === older.schemaType }, f)),
  );
  const references = h('textarea', { id: 'candidate-references', name: 'references', rows: 3, spellcheck: 'false', class: 'mono' });
  references.value = older.references && older.references.length ? JSON.stringify(older.references) : '';
  return h(
    'form',
    {
      class: 'candidate',
      onsubmit: async (event) => {
        event.preventDefault();
        let refs = [];
        if (references.value.trim()) {
          try {
            refs = JSON.parse(references.value);
            if (!Array.isArray(refs)) throw new Error('not an array');
          } catch (e) {
            results.replaceChildren(notice('error', h('p', {}, `The references are not a JSON array of {"name", "subject", "version"}: ${e.message}.`)));
            return;
          }
        }
        const candidate = { schema: text.value, schemaType: format.value, references: refs, version: null, id: null, ts: null };
        results.replaceChildren();
        await judge(results, { subject, older, newer: candidate, nameA: `version ${older.version}`, nameB: 'the new schema', config, signal, register: true });
      },
    },
    h('p', {}, h('label', { for: 'candidate' }, `New schema for ${subject} (starts as version ${older.version}; edit it or paste another)`), text),
    h('p', { class: 'inline-form' }, h('label', { for: 'candidate-format' }, 'Format'), format),
    h(
      'details',
      {},
      h('summary', {}, 'References'),
      h('p', {}, h('label', { for: 'candidate-references' }, 'A JSON array of {"name", "subject", "version"}, as the registry takes them'), references),
    ),
    h('p', {}, h('button', { type: 'submit' }, 'Check')),
  );
}

/** The verdict, the changes, and the texts side by side, into `into`. */
async function judge(into, { subject, older, newer, nameA, nameB, config, signal, register = false }) {
  const verdict = h('section', { 'aria-labelledby': 'verdict-title' }, h('h2', { id: 'verdict-title' }, 'Verdict'), h('p', { class: 'muted' }, 'Asking the registry…'));
  into.append(verdict);
  let answer = null;
  try {
    answer = await api(`compatibility/subjects/${seg(subject)}/versions/${older.version}?verbose=true`, {
      method: 'POST',
      body: { schema: newer.schema, schemaType: newer.schemaType, references: newer.references || [] },
      signal,
    });
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    verdict.lastChild.replaceWith(
      e instanceof ApiError && e.code === 40402 && older.deleted
        ? notice('info', h('p', {}, `Version ${older.version} is soft-deleted, so the registry no longer checks anything against it. The texts are compared below.`))
        : failure(e),
    );
  }
  if (answer) showVerdict(verdict, answer, { older, nameA, nameB, config });
  if (answer && register && answer.is_compatible) verdict.append(registerControl(subject, newer));

  const [left, right] = await Promise.all([schemaLines(older.schemaType, older.schema), schemaLines(newer.schemaType, newer.schema)]);
  const table = await sideBySideView(left, right, `Version ${older.version}`, newer.version ? `Version ${newer.version}` : 'New schema', signal);
  into.append(h('section', { 'aria-labelledby': 'texts-title' }, h('h2', { id: 'texts-title' }, 'Side by side'), table.summary, table.element));
  await table.done;
}

function showVerdict(section, answer, { older, nameA, nameB, config }) {
  const changes = answer.changes || [];
  const others = answer.other_changes || [];
  const parts = [];
  if (config.level === 'NONE') {
    parts.push(
      h('p', { class: 'verdict' }, mark(true, `Accepted: this subject's compatibility is NONE, so the registry takes any new version and checks no change.`)),
    );
  } else if (answer.is_compatible) {
    parts.push(h('p', { class: 'verdict' }, mark(true, `Compatible: the registry would accept ${nameB} after ${nameA} under ${config.level} (policy ${config.policy}).`)));
  } else if (changes.length === 0) {
    parts.push(
      h('p', { class: 'verdict' }, mark(false, `Refused: the registry cannot use ${nameB}.`)),
      h('ul', {}, (answer.messages || []).map((m) => h('li', {}, m))),
    );
  } else {
    parts.push(
      h(
        'p',
        { class: 'verdict' },
        mark(false, `Not compatible: the registry would refuse ${nameB} after ${nameA} under ${config.level} (policy ${config.policy}), for ${changes.length} breaking change${changes.length === 1 ? '' : 's'}.`),
      ),
    );
  }
  section.lastChild.replaceWith(...parts);
  if (changes.length) section.append(changeList('breaking', `Breaking changes (${changes.length})`, changes, { older, nameA, nameB }));
  if (others.length) section.append(changeList('other', `Other changes (${others.length}), which ${config.level} allows`, others, { older, nameA, nameB }));
  if (answer.is_compatible && others.length === 0 && config.level !== 'NONE') section.append(h('p', { class: 'muted' }, 'The registry reports no change between the two.'));
}

function changeList(kind, title, changes, { older, nameA, nameB }) {
  const id = `${kind}-title`;
  return h(
    'section',
    { 'aria-labelledby': id, class: `changes ${kind}` },
    h('h3', { id }, title),
    h(
      'ol',
      { class: 'changes' },
      changes.map((c) => {
        const readers = (c.breaks || []).map((side) => (READERS[side] ? READERS[side](nameA, nameB) : side));
        const writerFirst = (c.breaks || []).includes('backward');
        return h(
          'li',
          { class: `change ${kind}` },
          h(
            'h4',
            {},
            kind === 'breaking' ? mark(false, c.kind) : h('span', {}, h('span', { 'aria-hidden': 'true' }, '• '), c.kind),
            ' at ',
            h('code', {}, c.path),
          ),
          h('p', {}, c.message),
          readers.length ? h('p', {}, kind === 'breaking' ? 'Breaks ' : 'Would break ', readers.join('; and '), '.') : null,
          c.version !== undefined && c.version !== older.version ? h('p', { class: 'muted' }, `Found against version ${c.version}.`) : null,
          c.example !== undefined
            ? h(
                'div',
                { class: 'example' },
                h('p', {}, `Example: a message written with ${writerFirst ? nameA : nameB} that consumers on ${writerFirst ? nameB : nameA} cannot read:`),
                codeView(valueLines(c.example), { label: `Example for ${c.kind} at ${c.path}`, classes: 'example-code' }).element,
              )
            : null,
        );
      }),
    ),
  );
}

/**
 * A button that registers the checked schema, shown once the registry says
 * the caller may write the subject (`GET /permissions`); a principal that
 * may not sees why instead. The registry still checks the write itself.
 */
function registerControl(subject, candidate) {
  const said = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const button = h(
    'button',
    {
      type: 'button',
      'data-write': '',
      onclick: async () => {
        button.disabled = true;
        try {
          const registered = await api(`subjects/${seg(subject)}/versions`, {
            method: 'POST',
            body: { schema: candidate.schema, schemaType: candidate.schemaType, references: candidate.references },
            write: true,
          });
          location.hash = link(['subjects', subject, 'versions', registered.version]);
        } catch (e) {
          button.disabled = false;
          said.replaceChildren(
            e instanceof ApiError && e.status === 403 ? notice('error', h('p', {}, `You may not register versions of ${subject}: ${e.message}`)) : failure(e),
          );
        }
      },
    },
    `Register it as a new version of ${subject}`,
  );
  const slot = h('p', {}, h('span', { class: 'muted' }, 'Asking the registry what you may do…'));
  const control = h('div', { class: 'write' }, slot, said);
  api(`permissions?subject=${encodeURIComponent(subject)}`)
    .then((answer) => {
      const may = answer.permissions.includes('write');
      control.dataset.permissions = answer.permissions.join(' ');
      slot.replaceChildren(
        may
          ? button
          : h('span', { class: 'muted' }, `You may not register versions of ${subject}: ${answer.principal ? `principal ${answer.principal}` : 'this session'} holds no write permission on it.`),
      );
    })
    .catch(() => {
      // A registry without the endpoint: offer the button; a refused write says why.
      control.dataset.permissions = 'unknown';
      slot.replaceChildren(button);
    });
  return control;
}

/** Lines kept around each difference when only the differences are shown. */
const CONTEXT = 3;

/**
 * The rows to show: all of them, or those within CONTEXT of a difference
 * with the runs between them folded into {gap: count, from} items.
 */
function visibleRows(rows, everyLine) {
  if (everyLine) return rows;
  const keep = new Uint8Array(rows.length);
  rows.forEach((r, i) => {
    if (r.kind === 'same') return;
    for (let k = Math.max(0, i - CONTEXT); k <= Math.min(rows.length - 1, i + CONTEXT); k++) keep[k] = 1;
  });
  const shown = [];
  for (let i = 0; i < rows.length; ) {
    if (keep[i]) {
      shown.push(rows[i++]);
      continue;
    }
    const from = i;
    while (i < rows.length && !keep[i]) i++;
    shown.push({ gap: i - from, from: rows[from] });
  }
  return shown;
}

/** The two texts side by side with the lines that differ marked. */
async function sideBySideView(left, right, leftTitle, rightTitle, signal) {
  const a = left.map(lineText);
  const b = right.map(lineText);
  const { rows, approximate } = sideBySide(a, b);
  const removed = rows.filter((r) => r.left !== null && r.right === null).length;
  const added = rows.filter((r) => r.right !== null && r.left === null).length;
  const changed = rows.filter((r) => r.kind === 'changed').length;
  const differing = removed + added + changed;
  const summary = h(
    'p',
    { class: 'diff-summary' },
    differing === 0
      ? mark(true, 'The texts are the same line for line.')
      : `${differing} line${differing === 1 ? '' : 's'} differ: ${changed} changed, ${removed} only on the left (−), ${added} only on the right (+).`,
    approximate ? ' The texts are too far apart for a line-by-line match; the differing middle is shown as replaced whole.' : '',
  );
  const table = h(
    'table',
    { class: 'diff', 'data-state': 'rendering' },
    h('caption', { class: 'sr' }, `${leftTitle} and ${rightTitle}, side by side`),
    h('colgroup', {}, h('col', { class: 'ln' }), h('col', { class: 'mk' }), h('col', { class: 'text' }), h('col', { class: 'ln' }), h('col', { class: 'mk' }), h('col', { class: 'text' })),
    h('thead', {}, h('tr', {}, h('th', { colspan: 3, scope: 'colgroup' }, leftTitle), h('th', { colspan: 3, scope: 'colgroup' }, rightTitle))),
  );
  const cell = (lines, index, sign, word) => {
    if (index === null) return '<td class="ln"></td><td class="mk"></td><td class="text gap"></td>';
    const marker = sign ? `<span aria-hidden="true">${sign}</span><span class="sr">${word}</span>` : '';
    return `<td class="ln">${index + 1}</td><td class="mk">${marker}</td><td class="text">${lineHtml(lines[index])}</td>`;
  };
  const rowHtml = (r) => {
    if (r.gap !== undefined) {
      const at = r.from.left !== null ? r.from.left + 1 : r.from.right + 1;
      return `<tr class="fold"><td colspan="6">⋯ ${r.gap} unchanged line${r.gap === 1 ? '' : 's'} from line ${at}</td></tr>`;
    }
    const differs = r.kind !== 'same';
    return `<tr class="${escapeHtml(r.kind)}">` + cell(left, r.left, differs ? '−' : '', 'removed') + cell(right, r.right, differs ? '+' : '', 'added') + '</tr>';
  };
  let run = null;
  const draw = (everyLine) => {
    if (run) run.abort();
    run = new AbortController();
    const mine = run;
    const stop = () => mine.signal.aborted || signal.aborted;
    for (const body of table.querySelectorAll('tbody')) body.remove();
    table.dataset.state = 'rendering';
    const shown = visibleRows(rows, everyLine);
    return inSlices(
      shown.length,
      (start, end) => {
        let html = '';
        for (let i = start; i < end; i++) html += rowHtml(shown[i]);
        const body = document.createElement('tbody');
        body.innerHTML = html;
        table.appendChild(body);
      },
      { signal: { get aborted() { return stop(); } } },
    ).then(() => {
      if (!stop()) table.dataset.state = 'done';
    });
  };
  const foldable = differing > 0 && rows.length > 2 * CONTEXT + 40;
  const every = h('input', { id: 'every-line', type: 'checkbox', checked: !foldable });
  every.addEventListener('change', () => draw(every.checked));
  const toggle = foldable || rows.length > 40 ? h('p', { class: 'choice' }, every, h('label', { for: 'every-line' }, 'Show every line (otherwise only the lines that differ, with three around them)')) : null;
  const done = draw(every.checked);
  return { element: h('div', {}, toggle, h('div', { class: 'scroll' }, table)), summary, done };
}
