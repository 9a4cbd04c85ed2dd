// The registry's web page in Debian's headless Chromium, driven by
// playwright-core (never a downloaded browser). Run by registry/tests/ui.rs,
// which starts the registries, registers the fixtures and passes a JSON file
// of what the page must show:
//
//   node ci/ui/browser.js SCENARIO.json
//
// Prints `ok NAME` or `FAIL NAME` per check, `figure NAME VALUE` for
// measurements, and last `N passed, M failed`; exits 1 when a check failed.

'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const scenario = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const { base, proxied, shots, chromium: executablePath } = scenario;
const subject = scenario.subject;
fs.mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
const problems = [];

async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}`);
    console.log(String((e && e.stack) || e).split('\n').slice(0, 6).join('\n'));
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

function hash(...segments) {
  return '#/' + segments.map((s) => encodeURIComponent(String(s))).join('/');
}

/** Marks the view on screen, so that settle() waits for the next one. */
async function stale(page) {
  await page.evaluate(() => {
    const view = document.querySelector('main .view');
    if (view) view.dataset.stale = '1';
  }).catch(() => {});
}

/** Opens a view of the page (a new load, or a new fragment) and waits until it is shown. */
async function open(page, fragment, root = base) {
  const url = `${root}/ui/${fragment}`;
  if (page.url().startsWith(`${root}/ui/`)) {
    await stale(page);
    await page.evaluate((h) => {
      if (location.hash === h) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = h;
    }, fragment);
  } else {
    await page.goto(url);
  }
  await settle(page);
}

/** Waits for a view that is not the one marked stale, loaded to the end. */
async function settle(page) {
  await page.waitForSelector('main .view:not([data-stale]) h1', { timeout: 20000 });
  await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy'), null, { timeout: 30000 });
}

async function shot(page, name, fullPage = true) {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage });
}

function watch(page) {
  page.on('console', (m) => {
    // An error status is an answer of the API the page shows (404, 401, 403);
    // anything else (a refused policy, an exception) is a problem.
    if (m.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

async function headings(page) {
  return page.$$eval('main h1', (hs) => hs.map((h) => h.textContent.trim()));
}

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  const page = await context.newPage();
  watch(page);

  await check('the page is served with a strict policy and cache tags', async () => {
    const response = await page.goto(`${base}/ui/`);
    const h = response.headers();
    expect(/script-src 'self'/.test(h['content-security-policy']) && !/unsafe/.test(h['content-security-policy']), `policy: ${h['content-security-policy']}`);
    expect(h.etag, 'no ETag');
    const again = await page.request.get(`${base}/ui/js/app.js`, { headers: { 'If-None-Match': (await page.request.get(`${base}/ui/js/app.js`)).headers().etag } });
    expect(again.status() === 304, `a matching ETag answers ${again.status()}`);
  });

  await check('subjects: listed with format, versions, compatibility and mode; filters by format', async () => {
    await open(page, '#/subjects');
    await page.waitForFunction(() => /^\d+ of \d+ subjects shown$/.test(document.querySelector('.status').textContent));
    const row = page.locator('table.subjects tbody tr', { has: page.locator(`th a:text-is("${subject}")`) });
    const cells = await row.locator('td').allTextContents();
    expect(cells[1] === 'JSON' && cells[2] === 'v3' && cells[3] === '3' && cells[4] === 'BACKWARD' && cells[5] === 'READWRITE', `row: ${cells}`);
    await page.waitForFunction((s) => {
      const tr = [...document.querySelectorAll('table.subjects tbody tr')].find((r) => r.querySelector('th a').textContent === s);
      return tr && !tr.lastElementChild.textContent.includes('…');
    }, subject);
    const consumers = await row.locator('td').last().textContent();
    expect(consumers === String(scenario.consumers.length), `consumers: ${consumers}, the API has ${scenario.consumers.length}`);
    const deleted = page.locator('table.subjects tbody tr', { has: page.locator('th a:text-is("payments-value")') });
    expect((await deleted.locator('td').nth(3).textContent()).includes('1 soft-deleted'), 'the soft-deleted version is counted');
    await shot(page, 'subjects');
    await page.selectOption('#format', 'AVRO');
    expect(await row.isHidden(), 'a JSON subject stays listed under the AVRO filter');
    expect(await deleted.isVisible(), 'the Avro subject is hidden under the AVRO filter');
    expect(page.url().includes('format=AVRO'), `the filter is not in the address: ${page.url()}`);
    await page.fill('#q', 'no-such-thing');
    expect((await page.textContent('.status')).startsWith('0 of'), 'search does not filter');
  });

  await check('keyboard: skip link, then a subject opens with Enter and its heading takes focus', async () => {
    await page.goto('about:blank');
    await open(page, '#/subjects');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.id === 'skip'), 'the first Tab does not reach the skip link');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement.id === 'main'), 'the skip link does not move focus to the content');
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate((s) => document.activeElement.textContent === s && document.activeElement.tagName === 'A', subject);
    }
    expect(reached, 'the subject link is not reachable with Tab');
    await stale(page);
    await page.keyboard.press('Enter');
    await settle(page);
    await page.waitForFunction((s) => document.activeElement.tagName === 'H1' && document.activeElement.textContent === s, subject, { timeout: 5000 });
  });

  await check('subject: a timeline of versions with registration times, config and mode; soft-deleted versions marked', async () => {
    await open(page, hash('subjects', subject));
    const versions = await page.$$eval('.timeline > li h3', (hs) => hs.map((h) => h.textContent.trim()));
    expect(JSON.stringify(versions) === JSON.stringify(['Version 3', 'Version 2', 'Version 1']), `timeline: ${versions}`);
    const times = await page.$$eval('.timeline time', (ts) => ts.map((t) => t.getAttribute('datetime')));
    const registered = scenario.registered_ms.map((ms) => new Date(ms).toISOString()).reverse();
    expect(JSON.stringify(times) === JSON.stringify(registered), `times ${times} are not the API's ${registered}`);
    const who = await page.$$eval('.timeline > li .who', (w) => w.map((x) => x.textContent.trim()));
    expect(who.length === 3 && who.every((w) => w === 'from 127.0.0.1'), `who registered, from the audit trail: ${who}`);
    const facts = await page.textContent('dl.facts');
    expect(facts.includes('BACKWARD') && facts.includes('set on this subject') && facts.includes('READWRITE'), `facts: ${facts}`);
    await shot(page, 'subject');
    await open(page, hash('subjects', 'payments-value'));
    const marked = await page.textContent('.timeline > li.deleted h3');
    expect(marked.includes('Version 2') && marked.includes('soft-deleted') && marked.includes('✘'), `deleted version: ${marked}`);
  });

  await check('references and referenced-by link both ways', async () => {
    await open(page, hash('subjects', scenario.referenced.subject));
    await page.waitForFunction(() => !document.querySelector('.timeline').textContent.includes('…'));
    const by = await page.textContent('.timeline > li');
    expect(by.includes(`${scenario.referencing.subject} v1`), `referenced by: ${by}`);
    await open(page, hash('subjects', scenario.referencing.subject, 'versions', 1));
    const refs = await page.textContent('dl.facts');
    expect(refs.includes(scenario.referencing.name) && refs.includes(`${scenario.referenced.subject} v1`), `references: ${refs}`);
  });

  await check('data contract: metadata and every rule on the subject and on the version; none where there is none', async () => {
    const { subject: contracted, metadata, ruleSet } = scenario.contract;
    const rules = ['domainRules', 'migrationRules', 'encodingRules'].flatMap((set) => ruleSet[set] || []);
    await open(page, hash('subjects', contracted));
    const summary = await page.textContent('.timeline > li .contract-summary');
    for (const [k, v] of Object.entries(metadata.properties)) expect(summary.includes(`${k}=${v}`), `summary lacks ${k}=${v}: ${summary}`);
    for (const rule of rules) expect(summary.includes(rule.name), `summary lacks rule ${rule.name}: ${summary}`);
    const section = await page.textContent('section.contract');
    expect(section.includes('version 1, the latest') && section.includes('payments-kek') && section.includes('PII'), `subject's contract: ${section}`);
    await open(page, hash('subjects', contracted, 'versions', 1));
    const rows = await page.$$eval('table.rules tbody tr', (trs) =>
      trs.map((tr) => ({ name: tr.querySelector('th').textContent, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent), disabled: tr.classList.contains('disabled') })),
    );
    expect(rows.length === rules.length, `${rows.length} rule rows for ${rules.length} rules`);
    rules.forEach((rule, i) => {
      const row = rows[i];
      expect(row.name === rule.name, `row ${i}: ${row.name}, not ${rule.name}`);
      for (const field of ['kind', 'mode', 'type', 'expr']) if (rule[field]) expect(row.cells.includes(rule[field]), `${rule.name} lacks its ${field} ${rule[field]}: ${row.cells}`);
      expect(row.disabled === Boolean(rule.disabled) && row.cells.some((c) => c.includes(rule.disabled ? '✘ disabled' : '✔ enabled')), `${rule.name}: enabled or not, in words`);
    });
    const facts = await page.textContent('dl.metadata');
    expect(facts.includes('owner = payments-team') && facts.includes('$.card: PII') && facts.includes(metadata.sensitive[0]), `metadata: ${facts}`);
    await shot(page, 'version-contract');
    await open(page, hash('subjects', subject, 'versions', 1));
    const plain = await page.textContent('section.contract');
    expect(plain.includes('No metadata and no rules'), `a version without a contract: ${plain}`);
    await open(page, hash('subjects', subject));
    expect((await page.$$('.timeline > li')).length === 3, 'the timeline of the contract without metadata');
    expect((await page.$$('.timeline .contract-summary')).length === 0, 'no summary line where there is no contract');
  });

  await check('version: highlighted text, id, copy and download', async () => {
    await open(page, hash('subjects', subject, 'versions', 3));
    await page.waitForSelector('pre.code[data-state="done"]');
    expect((await page.textContent('.schema-id')) === String(scenario.ids[2]), 'the schema id');
    expect((await page.textContent('.schema-guid')) === scenario.guids[2], 'the schema GUID');
    expect((await page.$$('pre.code .k')).length > 50 && (await page.$$('pre.code .t')).length > 10, 'keys and types are not highlighted');
    const shown = await page.$eval('pre.code', (p) => p.textContent);
    expect(JSON.stringify(JSON.parse(shown)) === JSON.stringify(JSON.parse(scenario.texts[2])), 'the shown text is not the schema');
    expect((await page.$$eval('pre.code .line', (ls) => ls.length)) > 100, 'not pretty-printed');
    await page.click('button:has-text("Copy schema")');
    await page.waitForFunction(() => document.querySelector('.status').textContent.startsWith('Copied'));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(JSON.stringify(JSON.parse(copied)) === JSON.stringify(JSON.parse(scenario.texts[2])), 'the copied text');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("Download")')]);
    expect(download.suggestedFilename() === `${subject}-v3.json`, download.suggestedFilename());
    const saved = fs.readFileSync(await download.path(), 'utf8');
    expect(saved === scenario.texts[2], 'the download is not the registered text');
    await shot(page, 'version', false);
    await open(page, hash('subjects', 'shipments-value', 'versions', 1));
    await page.waitForSelector('pre.code[data-state="done"]');
    expect((await page.$$eval('pre.code .w', (ws) => ws.map((w) => w.textContent))).includes('message'), 'Protobuf keywords');
    await shot(page, 'version-protobuf', false);
  });

  await check('compare versions 1 and 3: every breaking change with its example, under the subject\'s level', async () => {
    await open(page, hash('subjects', subject));
    await page.selectOption('#compare-a', '1');
    await page.selectOption('#compare-b', '3');
    await stale(page);
    await page.click('form.inline-form button:has-text("Compare")');
    await settle(page);
    await page.waitForSelector('table.diff[data-state="done"]');
    const verdict = await page.textContent('.verdict');
    expect(verdict.includes('✘') && verdict.includes('Not compatible') && verdict.includes('BACKWARD') && verdict.includes(`${scenario.breaking.length} breaking`), `verdict: ${verdict}`);
    const items = page.locator('section.changes.breaking li.change');
    expect((await items.count()) === scenario.breaking.length, `${await items.count()} breaking changes shown`);
    for (const [i, change] of scenario.breaking.entries()) {
      const item = items.nth(i);
      const heading = await item.locator('h4').textContent();
      expect(heading.includes(change.kind) && heading.includes(change.path), `change ${i}: ${heading}`);
      const example = await item.locator('pre.code').textContent();
      expect(JSON.stringify(JSON.parse(example)) === JSON.stringify(change.example), `the example of ${change.kind} is not the API's`);
    }
    const others = await page.$$eval('section.changes.other li.change h4', (hs) => hs.map((h) => h.textContent));
    expect(others.length === scenario.others.length && scenario.others.every((k) => others.some((o) => o.includes(k))), `other changes: ${others}`);
    const marked = await page.$$eval('table.diff tr.changed, table.diff tr.removed, table.diff tr.added', (rows) => rows.length);
    expect(marked > 0, 'no line is marked as differing');
    expect((await page.$$eval('table.diff tr.changed td.mk', (c) => c.map((x) => x.textContent))).some((t) => t.includes('−')), 'differing lines carry no − sign');
    await shot(page, 'compare');
    await page.screenshot({ path: path.join(shots, 'compare-top.png') });
    await page.check('#every-line');
    await page.waitForSelector('table.diff[data-state="done"]');
    expect(!(await page.$('table.diff tr.fold')), 'every line is not shown');
  });

  await check('200% zoom: no page scrolls sideways', async () => {
    const zoomed = await browser.newContext({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
    const z = await zoomed.newPage();
    watch(z);
    for (const fragment of ['#/subjects', hash('subjects', subject), hash('subjects', subject, 'versions', 3), `${hash('subjects', subject, 'compare')}?a=1&b=3`, '#/triage']) {
      await open(z, fragment);
      const wide = await z.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(wide <= 1, `${fragment} is ${wide}px wider than the window at 200%`);
    }
    await open(z, `${hash('subjects', subject, 'compare')}?a=1&b=3`);
    await shot(z, 'compare-200-percent', false);
    await zoomed.close();
  });

  await check('unknown subject and unknown version: a clear page', async () => {
    await open(page, hash('subjects', 'no-such-subject'));
    expect((await headings(page))[0] === 'Unknown subject', `heading: ${await headings(page)}`);
    expect((await page.textContent('.notice')).includes('no subject named “no-such-subject”'), 'the notice names the subject');
    await shot(page, 'unknown-subject', false);
    await open(page, hash('subjects', subject, 'versions', 42));
    expect((await headings(page))[0] === 'Unknown version', `heading: ${await headings(page)}`);
    await open(page, `${hash('subjects', 'no-such-subject', 'compare')}?a=1&b=2`);
    expect((await headings(page))[0] === 'Unknown subject', `compare heading: ${await headings(page)}`);
    await open(page, '#/no/such/view');
    expect((await headings(page))[0] === 'No such page', 'an unknown address');
  });

  await check('triage of the dead-letter export: a table grouped by cause, as the API grouped them', async () => {
    await open(page, '#/triage');
    await page.selectOption('#triage-subject', scenario.triage.subject);
    await page.waitForSelector(`#triage-reader option[value="${scenario.triage.reader}"]`, { state: 'attached' });
    await page.selectOption('#triage-reader', String(scenario.triage.reader));
    await page.setInputFiles('#triage-file', scenario.triage.file);
    await page.waitForFunction(() => document.querySelector('.dropzone .status').textContent.includes('ready to send'));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/triage') && r.request().method() === 'POST'),
      page.click('form.triage-form button[type="submit"]'),
    ]);
    const report = await response.json();
    await page.waitForSelector('table.triage');
    const groups = await page.$$eval('table.triage tbody', (bodies) =>
      bodies.map((b) => ({
        verdict: b.querySelector('.verdict-name').textContent,
        reason: b.querySelector('tr.cause td').textContent,
        count: Number(b.querySelector('tr.cause td.num').textContent),
        messages: [...b.querySelectorAll('tr.message td:first-child')].map((td) => td.textContent),
      })),
    );
    for (const cause of report.summary.causes) {
      expect(groups.some((g) => g.verdict === cause.verdict && (g.reason === cause.reason || (!cause.reason && g.reason === '—')) && g.count === cause.messages && g.messages.length === cause.messages), `cause not shown as the API grouped it: ${JSON.stringify(cause)} in ${JSON.stringify(groups)}`);
    }
    for (const cause of scenario.triage.causes) {
      expect(groups.some((g) => g.verdict === cause.verdict && g.reason.includes(cause.reason) && g.count === cause.messages), `expected cause missing: ${JSON.stringify(cause)}`);
    }
    const listed = groups.flatMap((g) => g.messages).sort();
    expect(listed.length === report.messages.length, `${listed.length} of ${report.messages.length} messages listed`);
    await shot(page, 'triage');
  });

  await check('1 MB schema: renders in slices without blocking the tab', async () => {
    await open(page, '#/subjects');
    await page.evaluate(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const started = Date.now();
    await page.evaluate((h) => {
      location.hash = h;
    }, hash('subjects', scenario.huge.subject, 'versions', 1));
    await page.waitForSelector('pre.code', { timeout: 60000 });
    const firstLines = Date.now() - started;
    await page.waitForSelector('pre.code[data-state="done"]', { timeout: 120000 });
    const total = Date.now() - started;
    const { lines, shown, longest } = await page.evaluate(() => ({
      lines: Number(document.querySelector('pre.code').dataset.lines),
      shown: document.querySelectorAll('pre.code .line').length,
      longest: Math.round(window.__longest),
    }));
    expect(shown === lines && lines > 20000, `${shown} of ${lines} lines rendered`);
    console.log(`figure huge_schema_bytes ${scenario.huge.bytes}`);
    console.log(`figure huge_schema_lines ${lines}`);
    console.log(`figure huge_first_lines_ms ${firstLines}`);
    console.log(`figure huge_render_ms ${total}`);
    console.log(`figure huge_longest_task_ms ${longest}`);
    expect(longest < scenario.huge.longest_task_limit_ms, `the tab was blocked for ${longest} ms`);
    await shot(page, 'huge-schema', false);
  });

  await check('sign-in on 401 (emulated): Basic credentials kept in the session, sent as Authorization', async () => {
    const signed = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await signed.newPage();
    watch(p);
    const seen = [];
    await p.route('**/subjects?deleted=true', async (route) => {
      const authorization = route.request().headers().authorization;
      seen.push(authorization || null);
      if (authorization !== 'Basic ' + Buffer.from('alice:s3cret').toString('base64')) {
        return route.fulfill({ status: 401, contentType: 'application/json', headers: { 'WWW-Authenticate': 'Basic realm="charter"' }, body: JSON.stringify({ error_code: 40101, message: 'Unauthorized: credentials are needed' }) });
      }
      return route.continue();
    });
    await p.goto(`${base}/ui/#/subjects`);
    await p.waitForSelector('dialog#signin[open]');
    await shot(p, 'sign-in', false);
    await p.fill('#signin-user', 'alice');
    await p.fill('#signin-password', 's3cret');
    await p.click('dialog#signin button[type="submit"]');
    await settle(p);
    await p.waitForSelector('table.subjects');
    expect(seen[0] === null && seen[seen.length - 1] === 'Basic YWxpY2U6czNjcmV0', `authorization sent: ${seen}`);
    expect((await p.textContent('#session')).includes('Signed in as alice'), 'the session line');
    expect((await p.evaluate(() => sessionStorage.getItem('charter.authorization'))) === 'Basic YWxpY2U6czNjcmV0', 'not in sessionStorage');
    expect((await p.evaluate(() => localStorage.length)) === 0, 'something went to localStorage');
    await p.click('#session button:has-text("Sign out")');
    expect((await p.evaluate(() => sessionStorage.getItem('charter.authorization'))) === null, 'sign-out keeps the credentials');
    await signed.close();
  });

  await check('consumers: a matrix of readers × versions, ✘ where a consumer cannot read the latest, opening its breaking changes', async () => {
    const listing = scenario.consumers;
    await open(page, hash('subjects', subject, 'consumers'));
    await page.waitForSelector('table.consumers');
    const rows = await page.$$eval('table.consumers tbody tr', (r) => r.length);
    expect(rows === listing.length, `${rows} rows for ${listing.length} readers`);
    const unreadable = listing.flatMap((s) => s.matrix).filter((r) => !r.compatible).length;
    const crosses = await page.$$eval('table.consumers button.bad', (b) => b.length);
    expect(crosses === unreadable, `${crosses} ✘ cells where the API has ${unreadable}`);
    const readable = listing.flatMap((s) => s.matrix).filter((r) => r.compatible).length;
    const ticks = await page.$$eval('table.consumers td .ok', (b) => b.length);
    expect(ticks === readable, `${ticks} ✔ cells where the API has ${readable}`);
    const behind = listing.find((s) => !s.readsLatest);
    const latest = Math.max(...listing.flatMap((s) => s.matrix.map((r) => r.writer.version)));
    const cell = page.locator(`button[aria-label="${behind.consumer} in ${behind.environment} cannot read version ${latest}: show why"]`);
    expect((await cell.count()) === 1, `no ✘ cell for ${behind.consumer}, which cannot read version ${latest}`);
    expect((await cell.textContent()).includes('✘'), 'the cell carries no ✘');
    await cell.click();
    await page.waitForSelector('.cell-details');
    const row = behind.matrix.find((r) => r.writer.version === latest);
    const items = await page.$$eval('.cell-details li.change', (l) => l.map((x) => x.textContent));
    expect(items.length === row.changes.length, `${items.length} changes shown, ${row.changes.length} in the API`);
    for (const c of row.changes) {
      expect(items.some((t) => t.includes(c.kind) && t.includes(c.path)), `${c.kind} at ${c.path} is not shown`);
    }
    const examples = await page.$$eval('.cell-details pre.example-code', (l) => l.map((x) => JSON.parse(x.textContent)));
    const wanted = row.changes.filter((c) => c.example !== undefined).map((c) => JSON.stringify(c.example));
    expect(wanted.length > 0 && examples.map((e) => JSON.stringify(e)).join() === wanted.join(), `examples ${JSON.stringify(examples)}`);
    await shot(page, 'consumers');
  });

  await check('a new schema: checked against a version, refused writes hide the register button, then registered', async () => {
    await open(page, `${hash('subjects', subject, 'compare')}?a=3&candidate=1`);
    const text = await page.inputValue('#candidate');
    const candidate = JSON.parse(text);
    candidate.description = 'OrderPlaced, as checked in the browser test';
    await page.fill('#candidate', JSON.stringify(candidate, null, 2));
    await page.click('form.candidate button[type="submit"]');
    await page.waitForSelector('table.diff[data-state="done"]');
    expect((await page.textContent('.verdict')).includes('✔ Compatible'), await page.textContent('.verdict'));
    await page.waitForSelector('.write[data-permissions]');
    const register = page.locator('button:has-text("Register it as a new version")');
    expect(await register.isVisible(), 'no register button after a compatible check');
    await shot(page, 'compare-candidate');
    // A principal that may only read: the registry answers 403 to the write.
    await page.route('**/subjects/*/versions', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({ status: 403, contentType: 'application/json', body: JSON.stringify({ error_code: 40301, message: 'Forbidden: no write permission on this subject' }) })
        : route.continue(),
    );
    await register.click();
    await page.waitForSelector('.write .notice.error');
    expect(await register.isHidden(), 'the register button stays after a 403');
    expect((await page.textContent('.write .notice')).includes('may not register'), await page.textContent('.write .notice'));
    // A principal that may write: what signing in as another does to the mark.
    await page.unroute('**/subjects/*/versions');
    await page.evaluate(() => {
      sessionStorage.removeItem('charter.readOnly');
      window.dispatchEvent(new Event('charter:session'));
    });
    expect(await register.isVisible(), 'the register button does not come back for a principal that may write');
    await stale(page);
    await register.click();
    await settle(page);
    expect(page.url().endsWith('/versions/4'), page.url());
    expect((await headings(page))[0] === `${subject}, version 4`, `after registering: ${await headings(page)}`);
  });

  await check('behind a proxy prefix (--ui-base-path): the page finds the API under it', async () => {
    const viaProxy = await browser.newContext();
    const p = await viaProxy.newPage();
    watch(p);
    // The proxy: http://proxy.test/registry/X is the second registry's /X.
    await p.route('http://proxy.test/registry/**', async (route) => {
      const url = new URL(route.request().url());
      const upstream = `${proxied}${url.pathname.replace(/^\/registry/, '')}${url.search}`;
      const response = await route.fetch({ url: upstream });
      await route.fulfill({ response });
    });
    await p.route((url) => !url.href.startsWith('http://proxy.test/registry/'), (route) => route.abort());
    await p.goto('http://proxy.test/registry/ui/#/subjects');
    await settle(p);
    await p.waitForSelector('table.subjects');
    expect((await p.textContent('table.subjects')).includes('behind-the-proxy'), 'the subject of the proxied registry is not listed');
    const base = await p.$eval('meta[name="charter-api-base"]', (m) => m.content);
    expect(base === '/registry/', `api base ${base}`);
    await viaProxy.close();
  });

  await check('with auth on: a principal that may only read sees no register button, one that may write does', async () => {
    const { base: authBase, subject: authSubject, reader, writer } = scenario.auth;
    for (const [authorization, may] of [[reader, false], [writer, true]]) {
      const ctx = await browser.newContext();
      await ctx.addInitScript((a) => sessionStorage.setItem('charter.authorization', a), authorization);
      const p = await ctx.newPage();
      watch(p);
      await p.goto(`${authBase}/ui/${hash('subjects', authSubject, 'compare')}?a=1&candidate=1`);
      await settle(p);
      const candidate = JSON.parse(await p.inputValue('#candidate'));
      candidate.description = 'checked by a signed-in principal';
      await p.fill('#candidate', JSON.stringify(candidate, null, 2));
      await p.click('form.candidate button[type="submit"]');
      await p.waitForSelector('table.diff[data-state="done"]');
      await p.waitForSelector('.write[data-permissions]');
      const buttons = await p.locator('button:has-text("Register it as a new version")').count();
      expect(buttons === (may ? 1 : 0), `${buttons} register buttons for a principal that ${may ? 'may' : 'may not'} write`);
      if (!may) {
        expect((await p.textContent('.write')).includes('may not register'), await p.textContent('.write'));
        await shot(p, 'read-only');
      }
      await ctx.close();
    }
  });

  await check('the page broke no policy and threw nothing', async () => {
    expect(problems.length === 0, problems.join('\n'));
  });

  await browser.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
})().catch((e) => {
  console.log(`FAIL the browser run: ${(e && e.stack) || e}`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
