#!/usr/bin/env bash
# Charter's whole test suite, on a fresh machine (2 cores are enough).
# It installs what the tests need by itself: nothing from an earlier session
# is assumed. Usage: ci/test.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Warnings fail the build; set once so build and test share one compilation.
export RUSTFLAGS="${RUSTFLAGS:-} -D warnings"

step() { printf '\n== %s\n' "$*"; }

step "formatting"
cargo fmt --all -- --check

step "tools the tests drive"
CHARTER_PY="$(ci/setup-tools.sh | tail -n 1)"
export CHARTER_PY

step "lints (clippy, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "PostgreSQL for the registry tests (a throwaway cluster in target/postgres/ci)"
# Removed at the end however the tests end, with any cluster a test started
# of its own (target/postgres/own/) and did not get to remove.
stop_postgres() {
  local dir
  for dir in target/postgres/ci target/postgres/own/*/; do
    if [ -d "$dir" ]; then ci/postgres.sh destroy "$dir" || true; fi
  done
}
trap stop_postgres EXIT
stop_postgres
CHARTER_TEST_POSTGRES_URL="$(ci/postgres.sh start target/postgres/ci | tail -n 1)"
export CHARTER_TEST_POSTGRES_URL
echo "PostgreSQL at ${CHARTER_TEST_POSTGRES_URL/:charter@/:***@}"

step "tests (unit, conformance with ../shared, end to end through the binaries)"
cargo test --workspace --all-targets --no-fail-fast

step "doctests (the examples in the API docs)"
cargo test --workspace --doc

step "the registry's HTTP suites once more, each test on a fresh PostgreSQL database"
CHARTER_TEST_STORE=postgres cargo test -p registry --no-fail-fast \
  --test api --test concurrency --test triage --test interop --test config_contracts \
  --test auth_matrix --test auth_credentials --test auth_jwt --test tls --test audit \
  --test contexts --test associations

step "fuzz targets: built (dev profile, stable toolchain) and run 300 inputs each (FUZZING.md)"
# A smoke run, so that the targets keep building and the seeds still pass:
# a fixed seed and number of runs make it the same inputs on every machine.
# ci/fuzz.sh with more seconds is the real fuzzing; hangs are its business
# (an unoptimized build gets 10 seconds per input here).
FUZZ_TIMEOUT=10 FUZZ_RUNS=target/fuzz-smoke FUZZ_ARGS="-seed=1 -runs=300" ci/fuzz.sh --dev 120
