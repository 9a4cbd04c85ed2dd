// A version: its schema text pretty-printed and highlighted, with copy and
// download, its id, registration time, references and referrers, and its
// data contract (metadata and rules).

import { h, link, time, mark, notice, copyText, download, extension } from '../dom.js';
import { api, seg, ApiError } from '../api.js';
import { schemaLines, lineText } from '../highlight.js';
import { codeView } from '../code.js';
import { contractSection } from '../contract.js';
import { breadcrumb, unknownSubject, referenceList, fillReferencedBy } from './subject.js';

/**
 * A version of a subject (soft-deleted ones too), or null after showing the
 * page that says the subject or the version does not exist.
 */
export async function findVersion(ctx, subject, version) {
  try {
    return await api(`subjects/${seg(subject)}/versions/${seg(version)}?deleted=true`, { signal: ctx.signal });
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    if (e.code === 40401) unknownSubject(ctx, subject);
    else unknownVersion(ctx, subject, version);
    return null;
  }
}

function unknownVersion(ctx, subject, version) {
  ctx.title('Unknown version');
  ctx.main.append(
    breadcrumb(['Subjects', link(['subjects'])], [subject, link(['subjects', subject])], [`Version ${version}`]),
    h('h1', {}, 'Unknown version'),
    notice(
      'error',
      h('p', {}, `The subject “${subject}” has no version “${version}”.`),
      h('p', {}, h('a', { href: link(['subjects', subject]) }, `See the versions of ${subject}`)),
    ),
  );
}

export async function render(ctx) {
  const { main, params, signal } = ctx;
  const found = await findVersion(ctx, params.subject, params.version);
  if (!found) return;
  const { subject, version } = found;
  ctx.title(`${subject} v${version}`);
  const numbers = await api(`subjects/${seg(subject)}/versions`, { signal }).catch(() => []);
  const previous = numbers.filter((n) => n < version).pop();

  const said = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  const referencedBy = h('span', {}, h('span', { class: 'muted' }, '…'));
  const fileName = `${subject}-v${version}.${extension(found.schemaType)}`;
  const lines = await schemaLines(found.schemaType, found.schema);
  const shown = () => lines.map(lineText).join('\n');

  main.append(
    breadcrumb(['Subjects', link(['subjects'])], [subject, link(['subjects', subject])], [`Version ${version}`]),
    h('h1', {}, `${subject}, version ${version}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Schema id'),
      h('dd', {}, h('strong', { class: 'schema-id' }, String(found.id))),
      found.guid ? [h('dt', {}, 'GUID'), h('dd', {}, h('code', { class: 'schema-guid' }, found.guid))] : null,
      h('dt', {}, 'Format'),
      h('dd', {}, found.schemaType),
      h('dt', {}, 'Registered'),
      h('dd', {}, time(found.ts)),
      h('dt', {}, 'Status'),
      h('dd', {}, found.deleted ? mark(false, 'soft-deleted: still readable by its id; compatibility checks no longer count it') : mark(true, 'live')),
      h('dt', {}, 'References'),
      h('dd', {}, referenceList(found.references, subject) || h('span', { class: 'muted' }, 'none')),
      h('dt', {}, 'Referenced by'),
      h('dd', {}, referencedBy),
    ),
    h(
      'p',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            said.textContent = (await copyText(shown())) ? 'Copied the schema text.' : 'The browser did not let the page copy; select the text instead.';
          },
        },
        'Copy schema',
      ),
      ' ',
      h(
        'button',
        {
          type: 'button',
          onclick: () => {
            download(found.schema, fileName);
            said.textContent = `Downloaded ${fileName} (the text as registered).`;
          },
        },
        `Download ${fileName}`,
      ),
      previous !== undefined ? [' ', h('a', { class: 'button', href: link(['subjects', subject, 'compare'], { a: previous, b: version }) }, `Compare with version ${previous}`)] : null,
      found.deleted ? null : [' ', h('a', { class: 'button', href: link(['subjects', subject, 'compare'], { a: version, candidate: 1 }) }, 'Check a new schema against it')],
    ),
    said,
  );

  const view = codeView(lines, { label: `Schema of ${subject} version ${version}`, signal });
  const size = h('p', { class: 'muted' }, `${lines.length.toLocaleString('en')} lines, ${found.schema.length.toLocaleString('en')} characters${found.schemaType === 'PROTOBUF' ? '' : ', pretty-printed'}.`);
  main.append(
    h('section', { 'aria-labelledby': 'schema-title' }, h('h2', { id: 'schema-title' }, 'Schema'), size, view.element),
    contractSection(found, 'Data contract', 'contract-title'),
  );
  await Promise.all([view.done, found.deleted ? null : fillReferencedBy(referencedBy, subject, version, signal)]);
  if (found.deleted) referencedBy.replaceChildren(h('span', { class: 'muted' }, 'not looked up for a soft-deleted version'));
}
