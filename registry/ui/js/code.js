// A schema text on the page: lines of highlighted tokens, numbered by CSS,
// added in slices so that a text of megabytes never blocks the tab.

import { h } from './dom.js';
import { inSlices } from './dom.js';
import { lineHtml } from './highlight.js';

/**
 * A <pre> showing `lines` (lists of tokens, see highlight.js). Resolves
 * `done` with the milliseconds the rendering took, also written to the
 * element as data-render-ms (data-state="done" when complete).
 */
export function codeView(lines, { label, signal, classes = '' } = {}) {
  const code = h('code');
  const pre = h('pre', { class: `code ${classes}`.trim(), 'aria-label': label, 'data-state': 'rendering', 'data-lines': lines.length }, code);
  const done = inSlices(
    lines.length,
    (start, end) => {
      const chunk = h('span', { class: 'chunk' });
      chunk.style.counterReset = `line ${start}`;
      // Off-screen slices skip layout until they come near the viewport.
      chunk.style.containIntrinsicSize = `auto ${(end - start) * 1.5}em`;
      let html = '';
      for (let i = start; i < end; i++) html += `<span class="line">${lineHtml(lines[i])}</span>`;
      chunk.innerHTML = html;
      code.appendChild(chunk);
    },
    { signal },
  ).then((ms) => {
    pre.dataset.renderMs = String(Math.round(ms));
    pre.dataset.state = 'done';
    return ms;
  });
  return { element: pre, done };
}
