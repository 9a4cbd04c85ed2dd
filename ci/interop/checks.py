"""What the interoperability scripts share: named checks run in order with a
closing `N passed, N failed` line, and the expectation of a registry error."""

import sys
import traceback

from confluent_kafka.schema_registry.error import SchemaRegistryError


class Checks:
    """Checks registered with `@checks("name")`, run in registration order."""

    def __init__(self):
        self._checks = []

    def __call__(self, name):
        def register(fn):
            self._checks.append((name, fn))
            return fn

        return register

    def run(self):
        """Runs every check (a failure does not stop the rest), prints one line
        each and the summary; returns the exit status, 0 only if all passed."""
        passed = failed = 0
        for name, fn in self._checks:
            try:
                fn()
            except Exception:  # noqa: BLE001 - report every failing check
                failed += 1
                print(f"FAIL {name}")
                traceback.print_exc(file=sys.stdout)
            else:
                passed += 1
                print(f"ok   {name}")
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1


def expect_error(call, status, code):
    """Calls `call`, which must raise a SchemaRegistryError with this HTTP
    status and error_code; returns the error."""
    try:
        call()
    except SchemaRegistryError as e:
        assert (e.http_status_code, e.error_code) == (status, code), (
            f"expected {status}/{code}, got {e.http_status_code}/{e.error_code}: {e.error_message}"
        )
        return e
    raise AssertionError(f"expected an error {status}/{code}, got success")
