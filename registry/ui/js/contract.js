// A version's data contract (Confluent 7.4+): its metadata (properties,
// tags by path, sensitive names) and its rule sets (domain, migration and
// encoding rules), shown in full on a version and in one line per version
// on a subject's timeline.

import { h } from './dom.js';

/** The rule sets in the order Confluent lists them, with their titles. */
const RULE_SETS = [
  ['domainRules', 'Domain rules'],
  ['migrationRules', 'Migration rules'],
  ['encodingRules', 'Encoding rules'],
];

function entries(object) {
  return object && typeof object === 'object' ? Object.entries(object) : [];
}

function list(items) {
  return Array.isArray(items) ? items : [];
}

/** Every rule of `ruleSet`, each with the title of the set it is in. */
function rules(ruleSet) {
  return RULE_SETS.flatMap(([key, title]) => list(ruleSet && ruleSet[key]).map((rule) => ({ rule, set: title })));
}

/** Whether `version` carries metadata or rules at all. */
export function hasContract(version) {
  const m = version.metadata || {};
  return entries(m.properties).length + entries(m.tags).length + list(m.sensitive).length + rules(version.ruleSet).length > 0;
}

/**
 * One line for a subject's timeline: the metadata properties as
 * `key=value` and the rules by name, or null when there is neither.
 */
export function contractSummary(version) {
  if (!hasContract(version)) return null;
  const m = version.metadata || {};
  const parts = [];
  const properties = entries(m.properties).map(([k, v]) => `${k}=${v}`);
  if (properties.length) parts.push(`metadata ${properties.join(', ')}`);
  const tagged = entries(m.tags).length;
  if (tagged) parts.push(`${tagged} tagged ${tagged === 1 ? 'path' : 'paths'}`);
  const sensitive = list(m.sensitive).length;
  if (sensitive) parts.push(`${sensitive} sensitive ${sensitive === 1 ? 'name' : 'names'}`);
  const named = rules(version.ruleSet).map(({ rule }) => rule.name + (rule.disabled ? ' (disabled)' : ''));
  if (named.length) parts.push(`${named.length === 1 ? 'rule' : 'rules'} ${named.join(', ')}`);
  return h('p', { class: 'contract-summary' }, h('span', { class: 'muted' }, 'Data contract: '), parts.join(' · '));
}

function fact(term, ...value) {
  return [h('dt', {}, term), h('dd', {}, ...value)];
}

function none() {
  return h('span', { class: 'muted' }, 'none');
}

function codeList(items) {
  return items.length ? h('ul', { class: 'inline' }, items.map((i) => h('li', {}, h('code', {}, String(i))))) : none();
}

/** The metadata of a version as a definition list. */
function metadataFacts(metadata) {
  const m = metadata || {};
  const properties = entries(m.properties);
  const tags = entries(m.tags);
  return h(
    'dl',
    { class: 'facts compact metadata' },
    fact(
      'Properties',
      properties.length ? h('ul', { class: 'plain' }, properties.map(([k, v]) => h('li', {}, h('code', {}, k), ' = ', h('code', {}, String(v))))) : none(),
    ),
    fact('Tags', tags.length ? h('ul', { class: 'plain' }, tags.map(([path, names]) => h('li', {}, h('code', {}, path), ': ', list(names).join(', ')))) : none()),
    fact('Sensitive', codeList(list(m.sensitive))),
  );
}

/** The rules of a version as one table, set by set, in their order. */
function ruleTable(ruleSet) {
  const all = rules(ruleSet);
  if (all.length === 0) return h('p', { class: 'muted' }, 'No rules.');
  const cell = (value) => (value === undefined || value === null || value === '' ? h('span', { class: 'muted' }, '—') : value);
  return h(
    'table',
    { class: 'rules' },
    h('caption', { class: 'sr' }, 'Rules of this version'),
    h(
      'thead',
      {},
      h('tr', {}, ['Set', 'Name', 'Kind', 'Mode', 'Type', 'Expression', 'On success', 'On failure', 'Tags', 'Parameters', 'Enabled'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      all.map(({ rule, set }) =>
        h(
          'tr',
          { class: rule.disabled ? 'disabled' : '' },
          h('td', {}, set),
          h('th', { scope: 'row' }, h('code', {}, rule.name || '')),
          h('td', {}, cell(rule.kind)),
          h('td', {}, cell(rule.mode)),
          h('td', {}, cell(rule.type)),
          h('td', {}, rule.expr ? h('code', { class: 'expr' }, rule.expr) : cell(null)),
          h('td', {}, cell(rule.onSuccess)),
          h('td', {}, cell(rule.onFailure)),
          h('td', {}, cell(list(rule.tags).join(', '))),
          h('td', {}, entries(rule.params).length ? h('ul', { class: 'plain' }, entries(rule.params).map(([k, v]) => h('li', {}, h('code', {}, k), ' = ', h('code', {}, String(v))))) : cell(null)),
          h('td', {}, rule.disabled ? h('span', { class: 'bad' }, h('span', { 'aria-hidden': 'true' }, '✘ '), 'disabled') : h('span', { class: 'ok' }, h('span', { 'aria-hidden': 'true' }, '✔ '), 'enabled')),
        ),
      ),
    ),
  );
}

/**
 * A section with a version's whole data contract, titled `title`; when the
 * version has none, a line that says so.
 */
export function contractSection(version, title, id) {
  return h(
    'section',
    { 'aria-labelledby': id, class: 'contract' },
    h('h2', { id }, title),
    hasContract(version)
      ? [h('h3', {}, 'Metadata'), metadataFacts(version.metadata), h('h3', {}, 'Rules'), h('div', { class: 'scroll' }, ruleTable(version.ruleSet))]
      : h('p', { class: 'muted' }, 'No metadata and no rules: this version carries only its schema.'),
  );
}
