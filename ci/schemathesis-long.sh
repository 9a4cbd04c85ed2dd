#!/usr/bin/env bash
# The long schemathesis run against a real charter-registry (the debug
# build the tests use, on a fresh SQLite database; schemathesis, not the
# server, is the bottleneck): every operation of GET /openapi.json, with
# many more generated requests than the test suite's run
# (registry/tests/openapi.rs), and the same checks: no 5xx, and every
# status, content type and body is one the document describes.
#
# Usage: ci/schemathesis-long.sh [MAX_EXAMPLES_PER_OPERATION (default 300)]
# Prints the requests sent (counted from the HAR report), the failures,
# the duration and the machine's load; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source ci/bench-lib.sh

examples=${1:-300}
schemathesis=$(realpath -m "${CHARTER_SCHEMATHESIS:-target/ci-schemathesis/bin/schemathesis}")
[ -x "$schemathesis" ] || ci/setup-tools.sh >/dev/null
cargo build -q -p registry --bin charter-registry

start registry target/debug/charter-registry --listen 127.0.0.1:0 \
  --database-url "sqlite://$work/charter.db"
log "registry at $URL; schemathesis $("$schemathesis" --version | tail -n1), $examples examples per operation"
log "load before: $(uptime)"

began=$(date +%s)
status=0
# In $work: schemathesis keeps a cache in its working directory.
(cd "$work" && "$schemathesis" run "$URL/openapi.json" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing,stateful \
  --max-examples "$examples" \
  --workers 2 \
  --generation-database none \
  --request-timeout 30 \
  --no-color \
  --report har --report-har-path "$work/requests.har") >"$work/schemathesis.out" 2>&1 || status=$?
ended=$(date +%s)

tail -n 40 "$work/schemathesis.out"
requests=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["log"]["entries"]))' "$work/requests.har" 2>/dev/null || echo "unknown")
server_errors=$(grep -c '"status": 5' "$work/requests.har" 2>/dev/null || true)
echo
echo "requests:        $requests"
echo "5xx answers:     ${server_errors:-0}"
echo "duration:        $((ended - began)) s"
echo "load after:      $(uptime)"
echo "schemathesis exit status: $status (0: no failure)"
exit "$status"
