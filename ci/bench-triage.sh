#!/usr/bin/env bash
# Benchmarks `charter triage` (issue 6, Speed): a dead-letter export of
# MESSAGES framed JSON messages (default 100,000) triaged end to end against
# a charter-registry on loopback, as whole processes, release build.
#
# Data: NDJSON dead-letter records {"topic","partition","offset","key",
# "value","headers"} whose values are the base64 of Confluent-framed JSON
# orders: 60% written with orders-value v1, 40% with v2
# (fixtures/triage/schemas/); 2% of v1's break its `minimum`, 0.5% name an
# unknown schema id. The consumer reads with orders-value v1, so v2's
# messages are consumer_behind and the run exits 1.
#
# Reports wall time, messages per second and peak RSS (GNU time) of
# `charter triage --output json` with one worker per core and with --jobs 1
# (best of three each), and the registry's request counts by route from its
# /metrics before and after one run: the writer schemas are fetched once per
# id, not per message. Prints a Markdown section for BENCHMARKS.md on stdout.
#
# Usage: ci/bench-triage.sh [MESSAGES]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

MESSAGES="${1:-100000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
OUT="$CARGO_TARGET_DIR/bench-triage"
mkdir -p "$OUT"
source ci/bench-lib.sh

if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
log "building (release)"
cargo build --release -q -p cli --bin charter -p registry --bin charter-registry
release="$CARGO_TARGET_DIR/release"

start registry "$release/charter-registry" --listen 127.0.0.1:0 \
    --database-url "sqlite://$work/charter.db" --log-level warn
URL="$URL/"
export CHARTER_REGISTRY_URL="$URL"

register() { # SUBJECT FILE: prints the id
    jq -n --rawfile s "fixtures/triage/schemas/$2" '{schema: $s, schemaType: "JSON"}' |
        curl -sf -X POST -H 'Content-Type: application/json' -d @- "${URL}subjects/$1/versions" |
        jq -r .id
}
V1=$(register orders-value orders.v1.json)
V2=$(register orders-value orders.v2.json)
log "registered orders-value v1 (id $V1) and v2 (id $V2) at $URL"

DATA="$OUT/dlq-$MESSAGES-$V1-$V2.ndjson"
if [ ! -s "$DATA" ]; then
    log "generating $MESSAGES dead-letter records"
    python3 - "$MESSAGES" "$V1" "$V2" >"$DATA.tmp" <<'PY'
import base64, json, random, struct, sys
n, v1, v2 = (int(a) for a in sys.argv[1:4])
rng = random.Random(6)
out = sys.stdout
for i in range(n):
    r = rng.random()
    order = {"id": f"o-{i}", "qty": rng.randint(1, 20)}
    schema = v1
    if r < 0.005:
        schema = 4242
    elif r < 0.025:
        order["qty"] = 0
    elif r >= 0.6:
        schema = v2
        order["note"] = "gift" if r < 0.8 else "express"
    value = b"\0" + struct.pack(">I", schema) + json.dumps(order, separators=(",", ":")).encode()
    out.write(json.dumps({
        "topic": "orders", "partition": i % 6, "offset": i, "key": f"order-{i}",
        "value": base64.b64encode(value).decode(),
        "headers": [{"key": "__connect.errors.exception.class.name",
                     "value": "org.apache.kafka.common.errors.SerializationException"}],
    }, separators=(",", ":")) + "\n")
PY
    mv "$DATA.tmp" "$DATA"
fi
size_mb=$(du -m "$DATA" | cut -f1)

requests() { # the registry's request counts, as "ROUTE STATUS COUNT" lines
    curl -sf "${URL}metrics" |
        sed -n 's/^charter_http_requests_total{\(.*\)} \([0-9]*\)$/\1 \2/p' | sort
}

# run JOBS: "SECONDS RSS_MB" of one triage run (stdout to a file), exit 1 expected.
run() {
    local args=(triage "$DATA" --subject orders-value --reader-version 1 --output json)
    [ "$1" = all ] || args+=(--jobs "$1")
    set +e
    /usr/bin/time -f '%e %M' -o "$work/time" "$release/charter" "${args[@]}" >"$work/report.json"
    local code=$?
    set -e
    [ "$code" = 1 ] || { log "charter triage exited $code"; exit 1; }
    # GNU time says "Command exited with non-zero status 1" first.
    tail -n 1 "$work/time" | awk '{printf "%s %.0f\n", $1, $2 / 1024}'
}

best() { # best of three: "SECONDS RSS_MB"
    for _ in 1 2 3; do run "$1"; done | sort -g | head -n 1
}

before=$(requests)
first=$(run all)
after=$(requests)
delta=$(join -a 2 -e 0 -o 2.1,1.2,2.2 <(echo "$before" | awk '{c=$NF; $NF=""; gsub(/ /,""); print $0, c}') \
    <(echo "$after" | awk '{c=$NF; $NF=""; gsub(/ /,""); print $0, c}') |
    awk '$3 - $2 > 0 && $1 !~ /\/metrics/ {printf "%s: %d\n", $1, $3 - $2}')
log "requests during one run:"; log "$delta"
summary=$(jq -c '.summary.by_verdict' "$work/report.json")
log "verdicts: $summary"

log "timing (best of three)"
all=$(best all)
one=$(best 1)
cores=$(nproc)
rate() { awk -v n="$MESSAGES" -v s="$1" 'BEGIN {printf "%.0f", n / s}'; }
read -r all_s all_rss <<<"$all"
read -r one_s one_rss <<<"$one"

cat <<MD
## charter triage

\`ci/bench-triage.sh $MESSAGES\`: a dead-letter export of $MESSAGES NDJSON records
($size_mb MB; base64 values of Confluent-framed JSON orders, 60% written with
orders-value v1, 40% with v2, 2% breaking v1's \`minimum\`, 0.5% naming an
unknown id) triaged by \`charter triage FILE --subject orders-value
--reader-version 1 --output json\` against \`charter-registry\` on loopback
(SQLite), release build, $cores cores, load average at the start
$(cut -d' ' -f1-3 /proc/loadavg). Whole process, output written to a file; best
of three.

| run | wall time | messages/s | peak RSS |
| --- | ---: | ---: | ---: |
| one worker per core ($cores) | ${all_s} s | $(rate "$all_s") | ${all_rss} MB |
| \`--jobs 1\` | ${one_s} s | $(rate "$one_s") | ${one_rss} MB |

Verdicts: \`$summary\`.

Registry requests during one run (from its \`/metrics\`, by route, method and
status):

\`\`\`
$delta
\`\`\`
MD
