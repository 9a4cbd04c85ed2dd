// Schema text for display: a small tokenizer per format (JSON for JSON
// Schema and Avro, .proto for Protobuf), JSON pretty-printed from its tokens
// (so numbers keep the spelling they were registered with), and lines of
// tokens rendered as escaped HTML. Display only: the registry decides what a
// schema means.

import { escapeHtml } from './dom.js';

// Token classes: k key, s string, n number, l literal, p punctuation,
// c comment, w keyword, t type, x text the tokenizer does not know.

const JSON_TOKEN = /(\s+)|("(?:[^"\\\n]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)\b|([{}[\],:])|([^\s{}[\],:"]+|")/gy;

/** Tokens read per slice when a text is large enough to be read in slices. */
const TOKENS_PER_SLICE = 20000;

/** Texts longer than this are read in slices, yielding to the browser between them. */
const SLICED_ABOVE = 100000;

/**
 * JSON re-indented by two spaces, one member per line, built token by
 * token: keys are told by the colon after them, and string values of
 * "type" keys are types. `broken` once a token is not JSON.
 */
class JsonLines {
  constructor() {
    this.lines = [];
    this.line = [];
    this.depth = 0;
    this.open = null;
    this.key = null;
    this.afterColon = false;
    this.broken = false;
  }

  newline() {
    this.lines.push(this.line);
    this.line = this.depth > 0 ? [['', '  '.repeat(this.depth)]] : [];
  }

  push(cls, text) {
    if (cls === '') return;
    if (cls === 'x') {
      this.broken = true;
      return;
    }
    if (this.open) {
      const open = this.open;
      this.open = null;
      this.line.push(open);
      if ((open[1] === '{' && text === '}') || (open[1] === '[' && text === ']')) {
        this.line.push([cls, text]);
        return;
      }
      this.depth++;
      this.newline();
    }
    const afterColon = this.afterColon;
    this.afterColon = false;
    if (text === '{' || text === '[') {
      this.open = [cls, text];
    } else if (text === '}' || text === ']') {
      this.depth = Math.max(0, this.depth - 1);
      this.newline();
      this.line.push([cls, text]);
    } else if (text === ',') {
      this.line.push([cls, text]);
      this.newline();
    } else if (text === ':') {
      const previous = this.line[this.line.length - 1];
      if (previous && previous[0] === 's') {
        previous[0] = 'k';
        this.key = previous[1];
      }
      this.line.push([cls, text], ['', ' ']);
      this.afterColon = true;
    } else {
      this.line.push([cls === 's' && afterColon && this.key === '"type"' ? 't' : cls, text]);
    }
  }

  finish() {
    if (this.open) this.line.push(this.open);
    this.lines.push(this.line);
    return this.lines;
  }
}

/**
 * Reads `text` with `pattern` (a sticky regex; `classOf` names the class of
 * a match) into `sink(cls, text)`, awaiting `pause` after every
 * TOKENS_PER_SLICE tokens (never when `pause` is null).
 */
async function scan(text, pattern, classOf, sink, pause) {
  pattern.lastIndex = 0;
  let m;
  let count = 0;
  while (pattern.lastIndex < text.length && (m = pattern.exec(text)) !== null) {
    const [cls, token] = classOf(m);
    sink(cls, token);
    if (pause && ++count % TOKENS_PER_SLICE === 0) await pause();
  }
}

function jsonClass(m) {
  if (m[1] !== undefined) return ['', m[1]];
  if (m[2] !== undefined) return ['s', m[2]];
  if (m[3] !== undefined) return ['n', m[3]];
  if (m[4] !== undefined) return ['l', m[4]];
  if (m[5] !== undefined) return ['p', m[5]];
  return ['x', m[6]];
}

/** [scan] all at once. */
function scanSync(text, pattern, classOf, sink) {
  pattern.lastIndex = 0;
  let m;
  while (pattern.lastIndex < text.length && (m = pattern.exec(text)) !== null) {
    const [cls, token] = classOf(m);
    sink(cls, token);
  }
}

const PROTO_KEYWORDS = new Set(
  ('syntax edition package import public weak option message enum service rpc returns stream oneof map ' +
    'repeated optional required reserved extensions extend to max group').split(' '),
);
const PROTO_TYPES = new Set(
  'double float int32 int64 uint32 uint64 sint32 sint64 fixed32 fixed64 sfixed32 sfixed64 bool string bytes'.split(' '),
);
const PROTO_TOKEN = /(\s+)|(\/\/[^\n]*)|(\/\*[\s\S]*?(?:\*\/|$))|("(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?)|(-?(?:0[xX][0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|inf|nan)\b)|([A-Za-z_][A-Za-z0-9_.]*)|([{}[\]()<>;,=.:-])|(.)/gy;

function protoClass(m) {
  if (m[1] !== undefined) return ['', m[1]];
  if (m[2] !== undefined || m[3] !== undefined) return ['c', m[2] ?? m[3]];
  if (m[4] !== undefined) return ['s', m[4]];
  if (m[5] !== undefined) return ['n', m[5]];
  if (m[6] !== undefined) {
    const word = m[6];
    return [PROTO_KEYWORDS.has(word) ? 'w' : PROTO_TYPES.has(word) ? 't' : word === 'true' || word === 'false' ? 'l' : '', word];
  }
  if (m[7] !== undefined) return ['p', m[7]];
  return ['x', m[8]];
}

/** A flat token list cut into lines (tokens holding '\n' are split). */
export function toLines(tokens) {
  const lines = [[]];
  for (const [cls, text] of tokens) {
    if (!text.includes('\n')) {
      lines[lines.length - 1].push([cls, text]);
      continue;
    }
    const parts = text.split('\n');
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines[lines.length - 1].push([cls, part]);
    });
  }
  return lines;
}

/**
 * A schema's text as lines of tokens: JSON Schema and Avro pretty-printed
 * (as registered when the text is not well-formed JSON), Protobuf as
 * registered. Large texts are read in slices, yielding to the browser.
 */
export async function schemaLines(schemaType, text) {
  const pause = text.length > SLICED_ABOVE ? () => new Promise((resolve) => setTimeout(resolve, 0)) : null;
  const tokens = [];
  const collect = (cls, token) => tokens.push([cls, token]);
  if (schemaType === 'PROTOBUF') {
    await scan(text, PROTO_TOKEN, protoClass, collect, pause);
    return toLines(tokens);
  }
  const printer = new JsonLines();
  await scan(text, JSON_TOKEN, jsonClass, (cls, token) => printer.push(cls, token), pause);
  if (!printer.broken) return printer.finish();
  await scan(text, JSON_TOKEN, jsonClass, collect, pause);
  return toLines(tokens);
}

/** A JSON value pretty-printed as lines of tokens (for example documents). */
export function valueLines(value) {
  const printer = new JsonLines();
  scanSync(JSON.stringify(value), JSON_TOKEN, jsonClass, (cls, token) => printer.push(cls, token));
  return printer.finish();
}

/** The plain text of lines of tokens. */
export function lineText(line) {
  let text = '';
  for (const token of line) text += token[1];
  return text;
}

/** One line of tokens as escaped HTML. */
export function lineHtml(line) {
  let html = '';
  for (const [cls, text] of line) {
    html += cls ? `<span class="${cls}">${escapeHtml(text)}</span>` : escapeHtml(text);
  }
  return html;
}
