#!/usr/bin/env bash
# Benchmarks what CEL domain rules cost `charter validate --subject` (issue
# 13): the same records against the same registered JSON Schema, once
# without rules, once with a CEL rule on each record, once with a CEL_FIELD
# rule on every string field too (the walk of every primitive value), as
# whole processes in the same run, three rounds taken in turns (best kept).
# Data: RECORDS OrderPlaced events, the five valid ones of
# fixtures/payloads/order-placed.valid.ndjson in turn (every record valid and
# every rule holding, so the figures are the evaluation, not the reporting).
# The registry is only asked for the schema once, so it runs as the debug
# build (no release build of the registry's dependencies needed). Prints a
# Markdown table (wall time, CPU time, records/s, peak RSS) for BENCHMARKS.md.
#
# Usage: ci/bench-cel.sh [RECORDS]     (default 1000000)
# Writes under target/bench-cel/ (the data is kept for later runs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source ci/bench-lib.sh

RECORDS="${1:-1000000}"
TARGET="${CARGO_TARGET_DIR:-target}"
OUT="target/bench-cel"
SCHEMA="fixtures/contracts/orders/order-placed.v1.json"
mkdir -p "$OUT"

if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
cargo build --release --quiet -p cli --bin charter
cargo build --quiet -p registry --bin charter-registry
CHARTER="$TARGET/release/charter"

DATA="$OUT/orders-$RECORDS.ndjson"
if [ ! -s "$DATA" ]; then
    python3 - "$RECORDS" fixtures/payloads/order-placed.valid.ndjson >"$DATA.tmp" <<'PY'
import sys
records = [line for line in open(sys.argv[2]) if line.strip()]
out = sys.stdout
for i in range(int(sys.argv[1])):
    out.write(records[i % len(records)])
PY
    mv "$DATA.tmp" "$DATA"
fi

cat >"$work/cel.json" <<'JSON'
{"domainRules": [
  {"name": "positiveQuantities", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
   "expr": "message.payload.lines.all(l, l.quantity > 0)"}
]}
JSON
cat >"$work/cel-field.json" <<'JSON'
{"domainRules": [
  {"name": "positiveQuantities", "kind": "CONDITION", "mode": "WRITE", "type": "CEL",
   "expr": "message.payload.lines.all(l, l.quantity > 0)"},
  {"name": "shortStrings", "kind": "CONDITION", "mode": "WRITE", "type": "CEL_FIELD",
   "expr": "typeName == 'STRING' ; size(value) < 200"}
]}
JSON

start registry "$TARGET/debug/charter-registry" --listen 127.0.0.1:0 \
    --database-url "sqlite://$work/registry.db" --log-level warn
"$CHARTER" register "$SCHEMA" --subject plain-value --registry "$URL" >&2
"$CHARTER" register "$SCHEMA" --subject cel-value --rule-set "$work/cel.json" --registry "$URL" >&2
"$CHARTER" register "$SCHEMA" --subject cel-field-value --rule-set "$work/cel-field.json" --registry "$URL" >&2

declare -A BEST
run() {
    local name="$1"
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>"$OUT/$name.err" || true
    local this best="${BEST[$name]:-}"
    this="$(tail -n 1 "$OUT/$name.time" | awk '{ printf "%s %.2f %s", $1, $2 + $3, $4 }')"
    if [ -z "$best" ] || awk -v a="${this%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
        BEST[$name]="$this"
    fi
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2 3; do
    log "round $round"
    for subject in plain cel cel-field; do
        run "$subject" "$CHARTER" validate "$DATA" --subject "$subject-value" --registry "$URL" --quiet --output json
    done
done

row() {
    local name="$1" label="$2"
    read -r seconds cpu kb <<<"${BEST[$name]}"
    local counts
    counts="$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print("%d valid, %d invalid" % (r["valid"], r["invalid"]))' "$OUT/$name.out")"
    awk -v l="$label" -v s="$seconds" -v u="$cpu" -v k="$kb" -v n="$RECORDS" -v c="$counts" \
        'BEGIN { printf "| %s | %.2f s | %.2f s | %d | %.0f MB | %s |\n", l, s, u, n / s, k / 1024, c }'
}

{
    echo "| charter validate --subject | wall time | CPU time | records/s | peak RSS | verdict |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    row plain "no rules"
    row cel "one CEL rule (all() over the order lines)"
    row cel-field "that and a CEL_FIELD rule on every string value"
    echo
    echo "$RECORDS records, $(nproc) cores, $("$CHARTER" --version); load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$OUT/results.md"
