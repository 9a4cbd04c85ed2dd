#!/usr/bin/env bash
# Benchmarks `charter validate --schema` (issue 4, Speed) beside the tools a
# team would use instead, as whole processes on the same data in the same run:
#   - charter validate (release build, one worker per core, and --jobs 1)
#   - validate_loop: the minimal single-threaded Rust loop over the
#     jsonschema crate (cli/examples/validate_loop.rs)
#   - ajv + ajv-formats, compiled once, reading NDJSON line by line (Node)
#   - check-jsonschema (PyPI), which reads JSON documents, not NDJSON: it
#     gets the same records as one JSON array and a schema whose items are
#     the OrderPlaced schema
# Data: RECORDS OrderPlaced events from cli/examples/order_events.rs, about
# 2% invalid (wrong type, missing required, bad format, enum miss, extra
# property). Reports wall time, records per second and peak RSS (GNU time)
# as a Markdown table for BENCHMARKS.md. The fast tools take turns for three
# rounds and keep their best run.
#
# Usage: ci/bench-validate.sh [RECORDS]     (default 1000000)
# Everything it installs or writes goes under target/bench-validate/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RECORDS="${1:-1000000}"
TARGET="${CARGO_TARGET_DIR:-target}"
OUT="target/bench-validate"
SCHEMA="fixtures/contracts/orders/order-placed.v1.json"
mkdir -p "$OUT"

step() { printf '\n== %s\n' "$*" >&2; }

step "tools"
if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
cargo build --release --quiet -p cli --bin charter --example validate_loop --example order_events
CHARTER="$TARGET/release/charter"
LOOP="$TARGET/release/examples/validate_loop"
if [ ! -x "$OUT/venv/bin/check-jsonschema" ]; then
    python3 -m venv "$OUT/venv"
    "$OUT/venv/bin/pip" install --quiet check-jsonschema
fi
if [ ! -d "$OUT/node/node_modules/ajv-formats" ]; then
    npm install --silent --no-audit --no-fund --prefix "$OUT/node" ajv ajv-formats >/dev/null
fi
cat >"$OUT/node/ajv-validate.js" <<'JS'
// ajv-validate.js SCHEMA RECORDS.ndjson: compile once, validate each line.
const fs = require("fs");
const readline = require("readline");
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const ajv = new Ajv2020();
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(process.argv[2], "utf8")));
let valid = 0;
let invalid = 0;
const lines = readline.createInterface({
  input: fs.createReadStream(process.argv[3]),
  crlfDelay: Infinity,
});
lines.on("line", (line) => {
  if (!line.trim()) return;
  let record;
  try {
    record = JSON.parse(line);
  } catch {
    invalid++;
    return;
  }
  if (validate(record)) valid++;
  else invalid++;
});
lines.on("close", () => console.log(`${valid} valid, ${invalid} invalid`));
JS

step "data: $RECORDS records"
DATA="$OUT/orders-$RECORDS.ndjson"
ARRAY="$OUT/orders-$RECORDS.json"
if [ ! -s "$DATA" ]; then
    "$TARGET/release/examples/order_events" "$RECORDS" >"$DATA.tmp"
    mv "$DATA.tmp" "$DATA"
fi
if [ ! -s "$ARRAY" ]; then
    awk 'BEGIN { print "[" } NR > 1 { print "," } { print } END { print "]" }' "$DATA" >"$ARRAY.tmp"
    mv "$ARRAY.tmp" "$ARRAY"
fi
cp "$SCHEMA" "$OUT/order-placed.json"
printf '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "array", "items": {"$ref": "order-placed.json"}}\n' \
    >"$OUT/order-placed-array.json"

# run NAME COMMAND...: runs COMMAND once (output to $OUT/NAME.out) and keeps
# in BEST[NAME] the fastest run so far as "wall_seconds cpu_seconds peak_kb".
declare -A BEST
run() {
    local name="$1"
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/$name.time" "$@" >"$OUT/$name.out" 2>&1 || true
    local this best="${BEST[$name]:-}"
    this="$(tail -n 1 "$OUT/$name.time" | awk '{ printf "%s %.2f %s", $1, $2 + $3, $4 }')"
    if [ -z "$best" ] || awk -v a="${this%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then
        BEST[$name]="$this"
    fi
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
# The fast tools take turns, three rounds, so each meets the same load.
for round in 1 2 3; do
    step "round $round: charter, charter --jobs 1, validate_loop, ajv"
    run charter "$CHARTER" validate --schema "$SCHEMA" "$DATA" --quiet --output json
    run charter-j1 "$CHARTER" validate --schema "$SCHEMA" "$DATA" --quiet --output json --jobs 1
    run loop "$LOOP" "$SCHEMA" "$DATA"
    run ajv node "$OUT/node/ajv-validate.js" "$SCHEMA" "$DATA"
done
step "check-jsonschema (slow)"
run check-jsonschema "$OUT/venv/bin/check-jsonschema" --schemafile "$OUT/order-placed-array.json" "$ARRAY"
step "charter, three times the records through stdin (memory must not grow)"
cat "$DATA" "$DATA" "$DATA" >"$OUT/triple.ndjson"
run charter-triple sh -c "\"$CHARTER\" validate --schema \"$SCHEMA\" - --quiet --output json <\"$OUT/triple.ndjson\""
rm -f "$OUT/triple.ndjson"

counts() {
    case "$1" in
    charter* ) python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print("%d valid, %d invalid" % (r["valid"], r["invalid"]))' "$OUT/$1.out" ;;
    check-jsonschema ) echo "$(grep -o '\$\[[0-9]*\]' "$OUT/$1.out" | sort -u | wc -l) records with errors" ;;
    * ) tail -n 1 "$OUT/$1.out" ;;
    esac
}

row() {
    local name="$1" label="$2" records="$3"
    read -r seconds cpu kb <<<"${BEST[$name]}"
    awk -v l="$label" -v s="$seconds" -v u="$cpu" -v k="$kb" -v n="$records" -v c="$(counts "$name")" \
        'BEGIN { printf "| %s | %.2f s | %.2f s | %d | %.0f MB | %s |\n", l, s, u, n / s, k / 1024, c }'
}

step "results"
{
    echo "| tool | wall time | CPU time | records/s | peak RSS | verdict |"
    echo "| --- | ---: | ---: | ---: | ---: | --- |"
    row charter "charter validate ($(nproc) cores)" "$RECORDS"
    row charter-j1 "charter validate --jobs 1" "$RECORDS"
    row loop "validate_loop (jsonschema crate, 1 thread)" "$RECORDS"
    row ajv "ajv + ajv-formats (Node)" "$RECORDS"
    row check-jsonschema "check-jsonschema" "$RECORDS"
    row charter-triple "charter validate, 3x the records on stdin" "$((RECORDS * 3))"
    echo
    echo "Versions: $("$CHARTER" --version), $(rustc --version | cut -d' ' -f1-2)," \
        "jsonschema crate $(grep -A1 '^name = "jsonschema"$' Cargo.lock | sed -n 's/version = "\(.*\)"/\1/p')," \
        "node $(node --version), ajv $(node -p "require('./$OUT/node/node_modules/ajv/package.json').version")," \
        "ajv-formats $(node -p "require('./$OUT/node/node_modules/ajv-formats/package.json').version")," \
        "check-jsonschema $("$OUT/venv/bin/check-jsonschema" --version | awk '{print $NF}')" \
        "(python $(python3 -c 'import platform; print(platform.python_version())'))," \
        "$(nproc) cores; load average before $LOAD_BEFORE, after $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$OUT/results.md"
