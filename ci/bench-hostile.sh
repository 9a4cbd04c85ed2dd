#!/usr/bin/env bash
# Benchmarks the "work in proportion to the input" cases of issue #15,
# release build, as whole processes:
#
#   avro-enum       an Avro enum of 99,999 symbols; v2 adds one
#   avro-record     an Avro record of ~1 MB (25,000 int fields); v2 adds a
#                   field with a default and promotes one int to long
#   json-object     a JSON Schema object of ~1 MB (20,000 properties); v2
#                   adds a property and raises one maxLength
#   proto-messages  a Protobuf file of ~1 MB (11,000 messages of 4 fields);
#                   v2 adds a field to every 100th message
#   avro-chain      10,000 named Avro records, each referencing the next
#                   (T0 -> T1 -> ... -> T9999) through a nullable field;
#                   v2 adds a field with a default to the last
#   avro-10mb       ~10 MB Avro: a record of 29 records of 10,000 int fields
#                   each (within the default --max-fields); v2 as avro-record
#   json-10mb       ~10 MB JSON Schema: an object of 20 objects of 10,000
#                   properties each; v2 as json-object
#   proto-10mb      ~10 MB Protobuf: 110,000 messages; v2 as proto-messages
#   json-14mb       ~14 MB JSON Schema (28 objects of 10,000 properties) and
#   proto-14mb      ~14 MB Protobuf (160,000 messages): the sizes of the
#                   issue's first list, within every default limit (every
#                   registry here runs with --max-body-bytes 32 MiB: a 14 MB
#                   text quoted in a JSON body is over the default 16 MiB)
#
# For each: `charter diff v1 v2` (both parsed, diffed in both directions,
# examples attached) with its wall time and peak RSS (GNU time), and a
# charter-registry on a fresh SQLite file: POST v1 (parse + register), then
# POST v2 (parse + BACKWARD check against v1 + register), each timed by curl,
# with the CPU time the registry spent on it (from /proc).
# Every run is bounded by TIMEOUT seconds (default 120); one that takes
# longer is reported as such.
#
# With OLD_BIN (a directory holding `charter` and `charter-registry` built
# from an earlier commit) the same runs are made with those binaries first,
# side by side. Prints a Markdown table for BENCHMARKS.md on stdout, with
# `uptime` before and after.
#
# Usage: [OLD_BIN=DIR] [TIMEOUT=SECONDS] [CASES="avro-enum ..."] ci/bench-hostile.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
TIMEOUT="${TIMEOUT:-120}"
source ci/bench-lib.sh

if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
log "building release binaries..."
cargo build --release -q -p cli -p registry --bins
NEW_BIN="$CARGO_TARGET_DIR/release"

# The inputs, written by Python (no dependency beyond the standard library).
python3 - "$work" <<'PY'
import json, os, sys
out = sys.argv[1]

def write(case, version, text, schema_type):
    ext = {"AVRO": "avsc", "JSON": "json", "PROTOBUF": "proto"}[schema_type]
    with open(os.path.join(out, f"{case}.{version}.{ext}"), "w") as f:
        f.write(text)
    with open(os.path.join(out, f"{case}.{version}.body"), "w") as f:
        json.dump({"schemaType": schema_type, "schema": text}, f)

symbols = [f"S{i}" for i in range(99_999)]
write("avro-enum", "v1", json.dumps({"type": "enum", "name": "E", "symbols": symbols}), "AVRO")
write("avro-enum", "v2", json.dumps({"type": "enum", "name": "E", "symbols": symbols + ["ADDED"]}), "AVRO")

fields = [{"name": f"field_{i}", "type": "int"} for i in range(25_000)]
write("avro-record", "v1", json.dumps({"type": "record", "name": "R", "fields": fields}), "AVRO")
fields2 = [dict(f) for f in fields]
fields2[12_345]["type"] = "long"
fields2.append({"name": "added", "type": "int", "default": 0})
write("avro-record", "v2", json.dumps({"type": "record", "name": "R", "fields": fields2}), "AVRO")

props = {f"property_{i}": {"type": "string", "maxLength": 100} for i in range(20_000)}
write("json-object", "v1", json.dumps({"type": "object", "properties": props}), "JSON")
props2 = {k: dict(v) for k, v in props.items()}
props2["property_10000"]["maxLength"] = 200
props2["added"] = {"type": "integer"}
write("json-object", "v2", json.dumps({"type": "object", "properties": props2}), "JSON")

def proto(extra, n=11_000):
    lines = ['syntax = "proto3";', "package bench;"]
    for i in range(n):
        body = f"string a = 1; int64 b = 2; repeated string c = 3; M{(i + 1) % n} d = 4;"
        if extra and i % 100 == 0:
            body += " bool added = 5;"
        lines.append(f"message M{i} {{ {body} }}")
    return "\n".join(lines) + "\n"
write("proto-messages", "v1", proto(False), "PROTOBUF")
write("proto-messages", "v2", proto(True), "PROTOBUF")

def chain(extra):
    n = 10_000
    defs = []
    for i in reversed(range(n)):
        fields = [{"name": "value", "type": "int"}]
        if i + 1 < n:
            fields.append({"name": "next", "type": ["null", f"T{i + 1}"], "default": None})
        if extra and i + 1 == n:
            fields.append({"name": "added", "type": "int", "default": 0})
        defs.append({"name": f"t{i}", "type": {"type": "record", "name": f"T{i}", "fields": fields}})
    return json.dumps({"type": "record", "name": "Chain", "fields": defs})
write("avro-chain", "v1", chain(False), "AVRO")
write("avro-chain", "v2", chain(True), "AVRO")

# The 10 MB cases: parts of 10,000 fields or properties (the default
# --max-fields is 100,000 per record or object).
def avro_parts(parts, extra):
    defs = []
    for p in range(parts):
        fields = [{"name": f"field_{i}", "type": "int"} for i in range(10_000)]
        if extra and p == 0:
            fields[5_000]["type"] = "long"
            fields.append({"name": "added", "type": "int", "default": 0})
        defs.append({"name": f"part_{p}", "type": {"type": "record", "name": f"Part{p}", "fields": fields}})
    return json.dumps({"type": "record", "name": "Large", "fields": defs})
write("avro-10mb", "v1", avro_parts(29, False), "AVRO")
write("avro-10mb", "v2", avro_parts(29, True), "AVRO")

def json_parts(parts, extra):
    outer = {}
    for p in range(parts):
        props = {f"property_{i}": {"type": "string", "maxLength": 100} for i in range(10_000)}
        if extra and p == 0:
            props["property_5000"]["maxLength"] = 200
            props["added"] = {"type": "integer"}
        outer[f"part_{p}"] = {"type": "object", "properties": props}
    return json.dumps({"type": "object", "properties": outer})
write("json-10mb", "v1", json_parts(20, False), "JSON")
write("json-10mb", "v2", json_parts(20, True), "JSON")

write("proto-10mb", "v1", proto(False, 110_000), "PROTOBUF")
write("proto-10mb", "v2", proto(True, 110_000), "PROTOBUF")
write("json-14mb", "v1", json_parts(28, False), "JSON")
write("json-14mb", "v2", json_parts(28, True), "JSON")
write("proto-14mb", "v1", proto(False, 160_000), "PROTOBUF")
write("proto-14mb", "v2", proto(True, 160_000), "PROTOBUF")
PY

ext_of() { case "$1" in avro-*) echo avsc ;; json-*) echo json ;; proto-*) echo proto ;; esac; }

# diff_run BIN CASE: "SECONDS MIB EXIT" of `charter diff` (exit 1 = breaking
# changes found, a verdict), or "timeout".
diff_run() {
    local bin=$1 case=$2 ext status
    ext=$(ext_of "$case")
    set +e
    /usr/bin/time -f '%e %M' -o "$work/time" timeout "$TIMEOUT" "$bin/charter" diff \
        "$work/$case.v1.$ext" "$work/$case.v2.$ext" >/dev/null 2>"$work/diff.err"
    status=$?
    set -e
    if [ "$status" -eq 124 ]; then echo "timeout"; return; fi
    awk -v s="$status" 'END {printf "%.2f %d %s", $1, $2 / 1024, s}' "$work/time"
}

# cpu_seconds PID: the CPU time (user + system) process PID has used so far.
cpu_seconds() {
    awk -v tick="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / tick}' "/proc/$1/stat"
}

# post PID URL BODY OUT: "SECONDS CODE CPU_SECONDS" of one registration:
# its wall time, its status, and the CPU time the registry spent on it
# (what bounds throughput on a busy machine, and far less noisy there than
# the wall time).
post() {
    local pid=$1 url=$2 body=$3 out=$4 before answer
    before=$(cpu_seconds "$pid")
    answer=$(curl -s -o "$out" -w '%{time_total} %{http_code}' --max-time "$TIMEOUT" \
        -H 'Content-Type: application/json' --data-binary "@$body" "$url" || echo "timeout 000")
    awk -v a="$answer" -v after="$(cpu_seconds "$pid")" -v before="$before" \
        'BEGIN {printf "%s %.2f\n", a, after - before}'
}

# registry_run BIN CASE: "V1_SECONDS V1_STATUS V1_CPU V2_SECONDS V2_STATUS
# V2_CPU PEAK_MIB" against a fresh registry.
registry_run() {
    local bin=$1 case=$2 dir v1 v2 peak
    dir=$(mktemp -d -p "$work")
    start "registry-$case" "$bin/charter-registry" --listen 127.0.0.1:0 \
        --database-url "sqlite://$dir/bench.db" --log-level warn --max-body-bytes 33554432
    local pid=$PID
    v1=$(post "$pid" "$URL/subjects/$case-value/versions" "$work/$case.v1.body" "$dir/v1.out")
    v2=$(post "$pid" "$URL/subjects/$case-value/versions" "$work/$case.v2.body" "$dir/v2.out")
    peak=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
    stop "$pid"
    echo "$v1 $v2 $peak"
}

# row LABEL BIN CASE: one Markdown row.
row() {
    local label=$1 bin=$2 case=$3 size d r
    size=$(stat -c %s "$work/$case.v1.$(ext_of "$case")")
    d=$(diff_run "$bin" "$case")
    r=$(registry_run "$bin" "$case")
    local diff_cell
    if [ "$d" = timeout ]; then
        diff_cell="over $TIMEOUT s"
    else
        read -r d_s d_mib d_exit <<<"$d"
        diff_cell="$d_s s, $d_mib MB (exit $d_exit)"
    fi
    read -r v1_s v1_code v1_cpu v2_s v2_code v2_cpu peak <<<"$r"
    printf '| %s | %s | %s KB | %s | %s s, CPU %s s (%s) | %s s, CPU %s s (%s) | %s MB |\n' \
        "$case" "$label" "$((size / 1024))" "$diff_cell" \
        "$v1_s" "$v1_cpu" "$v1_code" "$v2_s" "$v2_cpu" "$v2_code" "$peak"
}

echo "Machine: $(nproc) cores; load before: $(uptime | sed 's/.*load average: //')"
echo
echo '| Case | Build | v1 size | `charter diff v1 v2` (wall, peak RSS) | Registry: POST v1 (wall, registry CPU) | Registry: POST v2 (check + register) | Registry peak RSS |'
echo '| --- | --- | --- | --- | --- | --- | --- |'
for case in ${CASES:-avro-enum avro-record json-object proto-messages avro-chain avro-10mb json-10mb proto-10mb json-14mb proto-14mb}; do
    if [ -n "${OLD_BIN:-}" ]; then row old "$OLD_BIN" "$case"; fi
    row new "$NEW_BIN" "$case"
done
echo
echo "Load after: $(uptime | sed 's/.*load average: //')"
