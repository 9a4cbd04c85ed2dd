// What the Node interoperability scripts share (the Python scripts' checks.py
// in JavaScript): named checks run in order, one line each and a closing
// `N passed, N failed` line that registry/tests/interop.rs reads, and the
// expectation of a registry error.
'use strict';

const assert = require('node:assert/strict');

/** Checks added with `check(name, async fn)`, run in the order added. */
class Checks {
  constructor() {
    this.checks = [];
  }

  /** Adds a check; `fn` may be async and fails by throwing. */
  check(name, fn) {
    this.checks.push([name, fn]);
  }

  /** Runs every check (a failure does not stop the rest), prints one line
   * each and the summary, and sets the exit status: 0 only if all passed. */
  async run() {
    let passed = 0;
    let failed = 0;
    for (const [name, fn] of this.checks) {
      try {
        await fn();
        passed += 1;
        console.log(`ok   ${name}`);
      } catch (e) {
        failed += 1;
        console.log(`FAIL ${name}`);
        console.log(e && e.stack ? e.stack : String(e));
      }
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed === 0 ? 0 : 1;
  }
}

/** Awaits `call`, which must fail with a registry error of this HTTP status
 * and error_code (the client's `RestError`); returns the error. */
async function expectError(call, status, code) {
  try {
    await call();
  } catch (e) {
    assert.deepEqual([e.status, e.errorCode], [status, code], `expected ${status}/${code}, got ${e.status}/${e.errorCode}: ${e.message}`);
    return e;
  }
  throw new assert.AssertionError({ message: `expected an error ${status}/${code}, got success` });
}

module.exports = { Checks, expectError, assert };
