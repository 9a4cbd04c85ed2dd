// A line diff for showing two texts side by side: common lines at both ends
// are set aside, and the longest common subsequence of the rest decides which
// lines stayed. Past LIMIT cells the middle is shown as replaced whole
// (flagged `approximate`), so a huge text never stalls the tab.

const LIMIT = 4_000_000;

/**
 * Rows to show side by side: {left, right} line indexes (null for a gap)
 * and kind 'same' | 'changed' | 'removed' | 'added'.
 */
export function sideBySide(a, b) {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops = [];
  for (let i = 0; i < start; i++) ops.push(['=', i, i]);
  const n = endA - start;
  const m = endB - start;
  let approximate = false;
  if (n * m > LIMIT) {
    approximate = true;
    for (let i = 0; i < n; i++) ops.push(['-', start + i, null]);
    for (let j = 0; j < m; j++) ops.push(['+', null, start + j]);
  } else {
    // lengths[i][j]: the LCS length of a[start+i..endA) and b[start+j..endB).
    const width = m + 1;
    const lengths = new Uint32Array((n + 1) * width);
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lengths[i * width + j] =
          a[start + i] === b[start + j]
            ? lengths[(i + 1) * width + j + 1] + 1
            : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        ops.push(['=', start + i, start + j]);
        i++;
        j++;
      } else if (j < m && (i === n || lengths[i * width + j + 1] >= lengths[(i + 1) * width + j])) {
        ops.push(['+', null, start + j]);
        j++;
      } else {
        ops.push(['-', start + i, null]);
        i++;
      }
    }
  }
  for (let k = 0; k < a.length - endA; k++) ops.push(['=', endA + k, endB + k]);
  return { rows: pair(ops), approximate };
}

/** Removed and added lines next to each other become 'changed' rows. */
function pair(ops) {
  const rows = [];
  let k = 0;
  while (k < ops.length) {
    if (ops[k][0] === '=') {
      rows.push({ left: ops[k][1], right: ops[k][2], kind: 'same' });
      k++;
      continue;
    }
    const removed = [];
    const added = [];
    while (k < ops.length && ops[k][0] !== '=') {
      if (ops[k][0] === '-') removed.push(ops[k][1]);
      else added.push(ops[k][2]);
      k++;
    }
    const both = Math.max(removed.length, added.length);
    for (let r = 0; r < both; r++) {
      const left = r < removed.length ? removed[r] : null;
      const right = r < added.length ? added[r] : null;
      rows.push({ left, right, kind: left !== null && right !== null ? 'changed' : left !== null ? 'removed' : 'added' });
    }
  }
  return rows;
}
