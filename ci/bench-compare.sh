#!/usr/bin/env bash
# Compares this tree's speed with another revision's, side by side in one run
# (the machine is shared and noisy, so the two take turns and each keeps its
# best): the `schemas` criterion benches (compatibility, Avro, Protobuf) and
# `charter validate` on the same NDJSON data (cli/examples/order_events.rs).
#
# Usage: ci/bench-compare.sh BASE_REV [RECORDS] [ROUNDS]
#   BASE_REV  the revision to compare with (e.g. 8eede58)
#   RECORDS   records for `charter validate` (default 300000)
#   ROUNDS    turns each side takes (default 3)
# BASE_REV is checked out in a temporary worktree; both build into one
# target dir under target/bench-compare/ (dependencies built once), removed
# at the end except the results (target/bench-compare/results.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BASE_REV="${1:?usage: ci/bench-compare.sh BASE_REV [RECORDS] [ROUNDS]}"
RECORDS="${2:-300000}"
ROUNDS="${3:-3}"
OUT="$PWD/target/bench-compare"
BASE_TREE="$OUT/base"
export CARGO_TARGET_DIR="$OUT/target"
HEAD_TREE="$PWD"
HEAD_REV="$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo '+changes')"
BASE_SHORT="$(git rev-parse --short "$BASE_REV")"

step() { printf '\n== %s\n' "$*" >&2; }
cleanup() {
    git worktree remove --force "$BASE_TREE" 2>/dev/null || true
    rm -rf "$CARGO_TARGET_DIR"
}
trap cleanup EXIT

mkdir -p "$OUT"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
git worktree remove --force "$BASE_TREE" 2>/dev/null || true
git worktree add --detach "$BASE_TREE" "$BASE_REV" >/dev/null

# Each side's binaries are copied out of the shared target dir, since both
# trees build the same crate names into it.
for side in base head; do
    tree="$HEAD_TREE"
    [ "$side" = base ] && tree="$BASE_TREE"
    step "build $side"
    mkdir -p "$OUT/$side-bin"
    (cd "$tree" && cargo build --release --quiet -p cli --bin charter --example order_events)
    cp "$CARGO_TARGET_DIR/release/charter" "$CARGO_TARGET_DIR/release/examples/order_events" "$OUT/$side-bin/"
    (cd "$tree" && cargo bench -p schemas --no-run --message-format=json 2>/dev/null) |
        python3 -c '
import json, sys, shutil
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and "bench" in m["target"]["kind"] and m.get("executable"):
        shutil.copy(m["executable"], sys.argv[1] + "/bench-" + m["target"]["name"])
' "$OUT/$side-bin"
done

# bench SIDE ROUND: runs every criterion bench of SIDE, then records each
# benchmark's median (ns) as "SIDE ROUND NAME MEDIAN" in medians.txt.
bench() {
    local side="$1" round="$2" exe
    rm -rf "$CARGO_TARGET_DIR/criterion"
    for exe in "$OUT/$side-bin"/bench-*; do
        (cd "$HEAD_TREE/schemas" && "$exe" --bench --noplot >/dev/null 2>&1)
    done
    find "$CARGO_TARGET_DIR/criterion" -path '*/new/estimates.json' | while read -r file; do
        name="${file#"$CARGO_TARGET_DIR/criterion/"}"
        name="${name%/new/estimates.json}"
        python3 -c 'import json, sys; print(sys.argv[2], sys.argv[3], sys.argv[4].replace(" ", "_"), json.load(open(sys.argv[1]))["median"]["point_estimate"])' \
            "$file" "$side" "$round" "$name"
    done >>"$OUT/medians.txt"
}

step "data: $RECORDS records"
DATA="$OUT/orders-$RECORDS.ndjson"
[ -s "$DATA" ] || "$OUT/head-bin/order_events" "$RECORDS" >"$DATA"
SCHEMA="fixtures/contracts/orders/order-placed.v1.json"

# validate SIDE: one `charter validate` run, appended as "SIDE WALL CPU KB".
validate() {
    local side="$1"
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/time" \
        "$OUT/$side-bin/charter" validate --schema "$SCHEMA" "$DATA" --quiet --output json >"$OUT/$side.out" 2>&1 || true
    # GNU time writes "Command exited with non-zero status 1" first when
    # records are invalid (charter's exit 1); its figures are the last line.
    tail -n 1 "$OUT/time" | awk -v s="$side" '{ printf "%s %s %.2f %s\n", s, $1, $2 + $3, $4 }' >>"$OUT/validate.txt"
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
rm -f "$OUT/medians.txt" "$OUT/validate.txt"
for round in $(seq "$ROUNDS"); do
    for side in base head; do
        step "round $round: $side"
        bench "$side" "$round"
        validate "$side"
    done
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
cmp -s <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["valid"], r["invalid"])' "$OUT/base.out") \
    <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["valid"], r["invalid"])' "$OUT/head.out") ||
    echo "warning: the two sides' validate verdicts differ" >&2

python3 - "$OUT" "$BASE_SHORT" "$HEAD_REV" "$RECORDS" "$ROUNDS" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY' | tee "$OUT/results.md"
import sys, collections
out, base, head, records, rounds, before, after = sys.argv[1:]
best = collections.defaultdict(dict)
for line in open(f"{out}/medians.txt"):
    side, _, name, median = line.split()
    best[name][side] = min(float(median), best[name].get(side, float("inf")))

def show(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"

print(f"| benchmark (best median of {rounds}) | {base} | {head} | change |")
print("| --- | ---: | ---: | ---: |")
for name in sorted(best):
    sides = best[name]
    if "base" in sides and "head" in sides:
        change = (sides["head"] / sides["base"] - 1) * 100
        print(f"| {name.replace('_', ' ')} | {show(sides['base'])} | {show(sides['head'])} | {change:+.1f}% |")
    else:
        only = "base" if "base" in sides else "head"
        print(f"| {name.replace('_', ' ')} | {show(sides.get('base', 0)) if only == 'base' else '—'} | {show(sides.get('head', 0)) if only == 'head' else '—'} | only one side |")
runs = collections.defaultdict(list)
for line in open(f"{out}/validate.txt"):
    side, wall, cpu, kb = line.split()
    runs[side].append((float(wall), float(cpu), int(kb)))
b, h = min(runs["base"]), min(runs["head"])
print(f"| charter validate, {int(records):,} records (best wall time of {rounds}) | {b[0]:.2f} s ({int(records) / b[0]:,.0f}/s, {b[2] / 1024:.0f} MB) | {h[0]:.2f} s ({int(records) / h[0]:,.0f}/s, {h[2] / 1024:.0f} MB) | {(h[0] / b[0] - 1) * 100:+.1f}% |")
print()
print(f"Load average before {before}, after {after}; 2 cores shared with other work.")
PY
