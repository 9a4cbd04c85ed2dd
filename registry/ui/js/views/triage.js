// Triage: messages a consumer could not read (pasted, or a dead-letter
// export dropped in), sent to `POST /triage`, and the report shown as a
// table grouped by cause. Nothing is stored: the registry judges the
// messages in memory and forgets them.

import { h, link, mark, notice, failure, replace } from '../dom.js';
import { api, seg } from '../api.js';

/**
 * The keys of a dead-letter export record, as the registry knows them
 * (`schemas::triage::ENVELOPE_KEYS`; registry/src/http/ui.rs checks that
 * this list says the same): a JSON object with `value` or `payload` and
 * only these keys is a record, sent as it is; any other JSON is a message.
 */
export const ENVELOPE_KEYS = [
  'key', 'value', 'payload', 'headers', 'topic', 'partition', 'offset', 'timestamp', 'timestampType',
  'timestamp_type', 'ts', 'tstype', 'broker', 'key_error', 'payload_error', 'key_schema_id', 'value_schema_id',
];

const VERDICTS = {
  valid: [true, 'valid'],
  producer_invalid: [false, 'producer wrote invalid data'],
  consumer_behind: [false, 'consumer is behind (upgrade it)'],
  contract_broken: [false, 'contract broken'],
  corrupt: [false, 'corrupt'],
  unknown_schema: [false, 'unknown schema id'],
  unframed_match: [true, 'unframed, matches a registered version'],
  unframed_no_match: [false, 'unframed, matches no registered version'],
};

function isEnvelope(value) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return (keys.includes('value') || keys.includes('payload')) && keys.every((k) => ENVELOPE_KEYS.includes(k));
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function textToBase64(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The request's message for one line: a dead-letter record as it is, other
 * JSON as {"json"}, base64 as {"base64"}, and any other text as the bytes of
 * that text (a line a tool could not write as JSON is still a message).
 */
export function toMessage(line, label) {
  const text = line.trim();
  if (!text) return null;
  let value;
  let parsed = false;
  try {
    value = JSON.parse(text);
    parsed = true;
  } catch {
    parsed = false;
  }
  if (parsed) return isEnvelope(value) ? { ...value, label } : { json: value, label };
  if (BASE64.test(text)) return { base64: text, label };
  return { base64: textToBase64(text), label };
}

/**
 * What the registry groups a message's report under (mirrors
 * `schemas::triage::MessageReport::cause`): the first writer or reader
 * error's rule and place, with array indexes folded to `*`, or the framing
 * of a corrupt message.
 */
function causeOf(report) {
  const first =
    report.verdict === 'producer_invalid' || report.verdict === 'corrupt'
      ? report.writer_errors[0]
      : report.verdict === 'consumer_behind' || report.verdict === 'contract_broken'
        ? report.reader_errors[0]
        : undefined;
  if (first) {
    const path = (first.instance_path || '/')
      .split('/')
      .map((s) => (s !== '' && /^\d+$/.test(s) ? '*' : s))
      .join('/');
    return `${first.keyword} at ${path}`;
  }
  return report.verdict === 'corrupt' ? report.framing.detail : '';
}

export async function render(ctx) {
  const { main, signal } = ctx;
  ctx.title('Triage');
  const subjects = await api('subjects', { signal });

  const subject = h('select', { id: 'triage-subject', name: 'subject' }, h('option', { value: '' }, '(none)'), subjects.map((s) => h('option', { value: s }, s)));
  const reader = h('select', { id: 'triage-reader', name: 'reader', disabled: true }, h('option', { value: '' }, 'no reader'));
  const message = h('input', { id: 'triage-message', name: 'message', placeholder: 'e.g. shop.Order' });
  const everySubject = h('input', { id: 'triage-all', name: 'all', type: 'checkbox' });
  const pasted = h('textarea', { id: 'triage-messages', name: 'messages', rows: 8, spellcheck: 'false', class: 'mono' });
  const file = h('input', { id: 'triage-file', name: 'file', type: 'file', accept: '.ndjson,.jsonl,.json,.txt,application/x-ndjson,application/json,text/plain' });
  const fileSaid = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const results = h('div', { class: 'results', 'aria-live': 'polite' });
  let dropped = null;

  const takeFile = async (f) => {
    dropped = { name: f.name, text: await f.text() };
    const lines = dropped.text.split('\n').filter((l) => l.trim()).length;
    fileSaid.textContent = `${f.name}: ${lines} line${lines === 1 ? '' : 's'} ready to send.`;
  };
  file.addEventListener('change', () => {
    if (file.files && file.files[0]) takeFile(file.files[0]);
  });
  subject.addEventListener('change', async () => {
    reader.replaceChildren(h('option', { value: '' }, 'no reader'));
    reader.disabled = !subject.value;
    if (!subject.value) return;
    const numbers = await api(`subjects/${seg(subject.value)}/versions`, { signal }).catch(() => []);
    replace(
      reader,
      h('option', { value: 'latest', selected: true }, 'its latest version'),
      numbers.slice().reverse().map((n) => h('option', { value: n }, `version ${n}`)),
      h('option', { value: '' }, 'no reader (check each message against its writer only)'),
    );
  });

  const drop = h(
    'div',
    { class: 'dropzone' },
    h('p', {}, h('label', { for: 'triage-file' }, 'A dead-letter export: NDJSON records ({"key", "value", "headers"}, values in base64) or the output of kcat -J'), file),
    h('p', { class: 'muted' }, 'You can also drop the file anywhere on this box.'),
    fileSaid,
  );
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const f = event.dataTransfer && event.dataTransfer.files[0];
    if (f) takeFile(f);
  });

  const form = h(
    'form',
    {
      class: 'triage-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const messages = [];
        pasted.value.split('\n').forEach((line, i) => {
          const m = toMessage(line, `pasted line ${i + 1}`);
          if (m) messages.push(m);
        });
        if (dropped) {
          dropped.text.split('\n').forEach((line, i) => {
            const m = toMessage(line, `${dropped.name}:${i + 1}`);
            if (m) messages.push(m);
          });
        }
        if (messages.length === 0) {
          results.replaceChildren(notice('error', h('p', {}, 'Paste a message or choose a file first.')));
          return;
        }
        const body = { messages };
        if (subject.value) body.subject = subject.value;
        if (everySubject.checked) body.all_subjects = true;
        if (subject.value && reader.value) {
          body.reader = { subject: subject.value, version: reader.value === 'latest' ? 'latest' : Number(reader.value) };
          if (message.value.trim()) body.reader.message = message.value.trim();
        }
        results.replaceChildren(h('p', { class: 'muted' }, `Triaging ${messages.length} message${messages.length === 1 ? '' : 's'}…`));
        try {
          const report = await api('triage', { method: 'POST', body, signal });
          replace(results, showReport(report));
        } catch (e) {
          if (e && e.name === 'AbortError') return;
          results.replaceChildren(failure(e));
        }
      },
    },
    h('p', { class: 'muted' }, 'Nothing is stored: the registry judges the messages in memory, answers, and forgets them.'),
    h(
      'div',
      { class: 'columns' },
      h('p', {}, h('label', { for: 'triage-subject' }, "The consumer's subject"), subject),
      h('p', {}, h('label', { for: 'triage-reader' }, "The consumer's reader schema"), reader),
      h('p', {}, h('label', { for: 'triage-message' }, 'Protobuf message it reads (optional)'), message),
    ),
    h('p', { class: 'choice' }, everySubject, h('label', { for: 'triage-all' }, 'Try unframed messages against every subject')),
    h('p', {}, h('label', { for: 'triage-messages' }, 'Messages, one per line: base64 bytes, a JSON value, or a dead-letter record'), pasted),
    drop,
    h('p', {}, h('button', { type: 'submit' }, 'Triage')),
  );
  main.append(h('h1', {}, 'Triage dead-letter messages'), form, results);
}

/** The report: counts by verdict, then a table grouped by cause. */
function showReport(report) {
  const { summary, messages } = report;
  const good = messages.filter((m) => VERDICTS[m.verdict] && VERDICTS[m.verdict][0]).length;
  const counts = Object.entries(summary.by_verdict).filter(([, n]) => n > 0);
  const schemas = new Map(summary.by_schema_id.map((g) => [g.schema_id, g.subject_versions]));

  // Each message under its cause; valid ones in groups of their own, by writer.
  const groups = summary.causes.map((c) => ({ ...c, reports: [] }));
  const byKey = new Map(groups.map((g) => [`${g.verdict}|${g.schema_id}|${g.reason}`, g]));
  const other = groups.find((g) => g.reason === 'other causes');
  const fine = new Map();
  for (const m of messages) {
    if (m.verdict === 'valid') {
      if (!fine.has(m.schema_id)) fine.set(m.schema_id, { verdict: 'valid', reason: '', schema_id: m.schema_id, messages: 0, reports: [] });
      const g = fine.get(m.schema_id);
      g.reports.push(m);
      g.messages++;
      continue;
    }
    const g = byKey.get(`${m.verdict}|${m.schema_id}|${causeOf(m)}`) || other;
    if (g) g.reports.push(m);
  }
  groups.push(...fine.values());

  const table = h(
    'table',
    { class: 'triage' },
    h('caption', {}, `The messages by cause: ${groups.length} group${groups.length === 1 ? '' : 's'}, problems most frequent first`),
    h('thead', {}, h('tr', {}, ['Verdict', 'Cause', 'Writer schema', 'Messages'].map((t) => h('th', { scope: 'col' }, t)))),
    groups.map((g) => causeRows(g, schemas)),
  );
  return [
    h('h2', {}, 'Report'),
    h(
      'p',
      { class: 'verdict' },
      good === messages.length
        ? mark(true, `All ${messages.length} messages are readable.`)
        : mark(false, `${messages.length - good} of ${messages.length} messages cannot be read as they are.`),
    ),
    h('ul', { class: 'inline counts' }, counts.map(([verdict, n]) => h('li', {}, verdictMark(verdict, false), `: ${n}`))),
    h('div', { class: 'scroll' }, table),
  ];
}

function verdictMark(verdict, named = true) {
  const [ok, words] = VERDICTS[verdict] || [false, verdict];
  return [mark(ok, words), named ? h('code', { class: 'verdict-name' }, verdict) : null];
}

const SHOWN_PER_CAUSE = 20;

function causeRows(group, schemas) {
  const versions = schemas.get(group.schema_id) || [];
  const writer =
    group.schema_id === null
      ? h('span', { class: 'muted' }, 'none (unframed)')
      : [
          `id ${group.schema_id}`,
          versions.length
            ? [' (', versions.map((v, i) => [i ? ', ' : '', h('a', { href: link(['subjects', v.subject, 'versions', v.version]) }, `${v.subject} v${v.version}`), v.deleted ? ' soft-deleted' : '']), ')']
            : '',
        ];
  const rows = [
    h(
      'tr',
      { class: 'cause' },
      h('th', { scope: 'rowgroup' }, verdictMark(group.verdict)),
      h('td', {}, group.reason ? h('code', {}, group.reason) : h('span', { class: 'muted' }, '—')),
      h('td', {}, writer),
      h('td', { class: 'num' }, String(group.messages)),
    ),
  ];
  for (const m of group.reports.slice(0, SHOWN_PER_CAUSE)) {
    rows.push(h('tr', { class: 'message' }, h('td', {}, m.message), h('td', { colspan: 3 }, m.summary)));
  }
  if (group.reports.length > SHOWN_PER_CAUSE) {
    rows.push(h('tr', { class: 'message' }, h('td', { colspan: 4, class: 'muted' }, `and ${group.reports.length - SHOWN_PER_CAUSE} more with this cause`)));
  }
  return h('tbody', {}, rows);
}
