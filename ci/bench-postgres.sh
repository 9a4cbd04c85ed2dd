#!/usr/bin/env bash
# PostgreSQL beside SQLite, in one run, on loopback (about 5 minutes on 2
# cores). Prints a Markdown section for BENCHMARKS.md on stdout; progress goes
# to stderr. Needs wrk (Debian package `wrk`) and PostgreSQL (ci/postgres.sh
# installs it when missing); the cluster is a throwaway one under
# target/postgres/bench, with synchronous_commit=on, removed at the end.
#
#   1. Durable registrations: 10,000 new schemas (100 subjects x 100
#      versions, each BACKWARD-checked), 8 clients per instance: on SQLite, on
#      PostgreSQL through one instance, and through two instances on one
#      database at once (each its own 50 subjects, 8 clients each).
#   2. GET /schemas/ids/{id} over those 10,000 schemas, random ids, 64
#      connections (wrk), PostgreSQL and SQLite instances in interleaved
#      rounds; medians.
#   3. `charter copy` of 10,000 schemas in 1,000 subjects from an SQLite
#      registry into a fresh PostgreSQL one, then the run again (nothing to
#      copy, everything verified).
#
# The registration runs on PostgreSQL also report the CPU the registry
# instances and the PostgreSQL cluster used (per cent of one core over the
# run; 200 % is both cores of this machine), so a run that is CPU-bound shows
# as such. With OLD_BIN (a directory holding a `charter-registry` built from
# an earlier commit) the two PostgreSQL registration runs are also made with
# that binary first, on fresh databases, side by side.
#
# Usage: [OLD_BIN=DIR] ci/bench-postgres.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${BENCH_DURATION:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql is needed: apt-get install postgresql-client" >&2; exit 2; }

source ci/bench-lib.sh
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "building (release)"
cargo build --release -q -p registry --bin charter-registry --examples
cargo build --release -q -p cli --bin charter
release="$CARGO_TARGET_DIR/release"

cluster="$PWD/target/postgres/bench"
trap 'cleanup; ci/postgres.sh destroy "$cluster" >/dev/null 2>&1 || true' EXIT
ci/postgres.sh destroy "$cluster" >/dev/null 2>&1 || true
server=$(ci/postgres.sh start "$cluster" | tail -n 1)

# database NAME: creates it and prints its URL.
database() {
  psql -q "$server" -c "CREATE DATABASE $1" >/dev/null
  echo "${server%/postgres}/$1"
}

registry() { # registry NAME DATABASE_URL [BINARY_DIR]
  start "$1" "${3:-$release}/charter-registry" --listen 127.0.0.1:0 --database-url "$2" --log-level warn
}

field() { echo "$2" | sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- 1. durable registrations ------------------------------------------------
mkdir -p "$work/sqlite"
registry sqlite "sqlite://$work/sqlite/charter.db"; SQLITE=$PID; SQLITE_URL=$URL
log "registering 10,000 schemas on SQLite"
sqlite_reg=$("$release/examples/register_load" "$SQLITE_URL" 10000 8 100)
log "$sqlite_reg"

# pg_runs SIDE BINARY_DIR: the one-instance and two-instance runs on fresh
# databases with the registry in BINARY_DIR; sets ${SIDE}_reg, ${SIDE}_one_cpu
# (registry and cluster CPU, % of one core), ${SIDE}_two_rate,
# ${SIDE}_two_lines, ${SIDE}_two_versions and ${SIDE}_two_cpu. The
# one-instance registry of side `new` stays up for the reads (PG, PG_URL).
pg_runs() {
  local side=$1 bin=$2 one two t0 t1 r0 c0 r1 c1 a0 b0 a1 b1 reg rate
  one=$(database "one_$side")
  registry "pg_$side" "$one" "$bin"; local pid=$PID url=$URL
  log "registering 10,000 schemas on PostgreSQL, one instance ($side)"
  r0=$(cpu_seconds "$pid"); c0=$(cluster_cpu_seconds "$cluster/data"); t0=$(now_ms)
  reg=$("$release/examples/register_load" "$url" 10000 8 100)
  t1=$(now_ms); r1=$(cpu_seconds "$pid"); c1=$(cluster_cpu_seconds "$cluster/data")
  log "$reg"
  printf -v "${side}_reg" '%s' "$reg"
  printf -v "${side}_one_cpu" 'registry %s %%, PostgreSQL %s %%' \
    "$(share "$r0" "$r1" "$(((t1 - t0)))e-3")" "$(share "$c0" "$c1" "$(((t1 - t0)))e-3")"
  if [ "$side" = new ]; then PG=$pid; PG_URL=$url; else stop "$pid"; fi

  two=$(database "two_$side")
  registry "pg_a_$side" "$two" "$bin"; local a=$PID a_url=$URL
  registry "pg_b_$side" "$two" "$bin"; local b=$PID b_url=$URL
  log "registering 10,000 schemas on PostgreSQL, two instances at once ($side)"
  a0=$(cpu_seconds "$a"); b0=$(cpu_seconds "$b"); c0=$(cluster_cpu_seconds "$cluster/data"); t0=$(now_ms)
  "$release/examples/register_load" "$a_url" 5000 8 50 0 >"$work/a.txt" &
  local load_a=$!
  "$release/examples/register_load" "$b_url" 5000 8 50 50 >"$work/b.txt" &
  local load_b=$!
  wait "$load_a" "$load_b"
  t1=$(now_ms); a1=$(cpu_seconds "$a"); b1=$(cpu_seconds "$b"); c1=$(cluster_cpu_seconds "$cluster/data")
  rate=$(awk -v ms=$((t1 - t0)) 'BEGIN {printf "%.0f", 10000 / (ms / 1000)}')
  printf -v "${side}_two_rate" '%s' "$rate"
  printf -v "${side}_two_lines" '%s' "$(cat "$work/a.txt") | $(cat "$work/b.txt")"
  printf -v "${side}_two_versions" '%s' "$(psql -tA "$two" -c "SELECT count(*) FROM versions")"
  printf -v "${side}_two_cpu" 'registries %s %% and %s %%, PostgreSQL %s %%' \
    "$(share "$a0" "$a1" "$(((t1 - t0)))e-3")" "$(share "$b0" "$b1" "$(((t1 - t0)))e-3")" \
    "$(share "$c0" "$c1" "$(((t1 - t0)))e-3")"
  log "two instances ($side): $(cat "$work/a.txt") | $(cat "$work/b.txt") | together $rate/s"
  stop "$a"; stop "$b"
}

if [ -n "${OLD_BIN:-}" ]; then pg_runs old "$OLD_BIN"; fi
pg_runs new "$release"
pg_reg=$new_reg; two_rate=$new_two_rate; versions_two=$new_two_versions

# --- 2. reads by id, PostgreSQL vs SQLite ------------------------------------
log "warming up"
wrk_ids "$PG_URL" 5 >/dev/null
wrk_ids "$SQLITE_URL" 5 >/dev/null
log "measuring GET /schemas/ids/{id}: $ROUNDS interleaved rounds of ${DURATION}s per store"
pg_rounds=(); sqlite_rounds=()
for _ in $(seq 1 "$ROUNDS"); do
  pg_rounds+=("$(wrk_ids "$PG_URL" "$DURATION")")
  sqlite_rounds+=("$(wrk_ids "$SQLITE_URL" "$DURATION")")
done
stop "$PG"; stop "$SQLITE"
pg_rps=$(median 1 "${pg_rounds[@]}"); pg_p99=$(median 2 "${pg_rounds[@]}")
sqlite_rps=$(median 1 "${sqlite_rounds[@]}"); sqlite_p99=$(median 2 "${sqlite_rounds[@]}")
ratio=$(awk -v a="$pg_rps" -v b="$sqlite_rps" 'BEGIN {printf "%.0f", 100 * a / b}')
rounds_line=$(for i in $(seq 0 $((ROUNDS - 1))); do
  printf 'round %d: PostgreSQL %s req/s p99 %s ms, SQLite %s req/s p99 %s ms; ' $((i + 1)) \
    $(echo "${pg_rounds[$i]}" | awk '{print $1, $2}') $(echo "${sqlite_rounds[$i]}" | awk '{print $1, $2}')
done)
read_errors=$(printf '%s\n' "${pg_rounds[@]}" "${sqlite_rounds[@]}" | awk '{$1 = $2 = ""; print}' | tr -s ' \n' ' ')

# --- 3. charter copy: 10,000 schemas in 1,000 subjects -----------------------
mkdir -p "$work/source"
registry source "sqlite://$work/source/charter.db"; SOURCE=$PID; SOURCE_URL=$URL
log "seeding 10,000 schemas in 1,000 subjects"
seeding=$("$release/examples/register_load" "$SOURCE_URL" 10000 8 1000)
log "$seeding"
registry copy_target "$(database copied)"; TARGET=$PID; TARGET_URL=$URL
log "charter copy"
t0=$(now_ms)
"$release/charter" copy --from "$SOURCE_URL" --to "$TARGET_URL" >"$work/copy.txt"
t1=$(now_ms)
copy_s=$(awk -v ms=$((t1 - t0)) 'BEGIN {printf "%.1f", ms / 1000}')
log "$(cat "$work/copy.txt")"
t0=$(now_ms)
"$release/charter" copy --from "$SOURCE_URL" --to "$TARGET_URL" >"$work/again.txt"
t1=$(now_ms)
again_s=$(awk -v ms=$((t1 - t0)) 'BEGIN {printf "%.1f", ms / 1000}')
log "$(cat "$work/again.txt")"
stop "$SOURCE"; stop "$TARGET"
copied_line=$(grep '^copied:' "$work/copy.txt")
verified_line=$(grep '^verified:' "$work/copy.txt")
again_line=$(grep -E '^(nothing to copy|plan:)' "$work/again.txt" | tail -n 1)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<MD
## PostgreSQL beside SQLite

Measured by \`ci/bench-postgres.sh\` on $(nproc) cores ($cpu), $(date -u +%Y-%m-%d),
release build; PostgreSQL $(psql -tA "$server" -c "SHOW server_version") on loopback with
\`synchronous_commit=on\` (a registration is acknowledged after its WAL flush),
SQLite in WAL mode with \`synchronous=FULL\`; load generators on the same cores.
Load average at the start: $load_start; at the end: $load.

| What | PostgreSQL | SQLite | Target |
| --- | --- | --- | --- |
| Durable registrations, one instance (10,000 new schemas, 100 subjects, 8 clients, each BACKWARD-checked) | **$(field per_second "$pg_reg") /s** (p50 $(field p50_ms "$pg_reg") ms, p99 $(field p99_ms "$pg_reg") ms) | $(field per_second "$sqlite_reg") /s (p50 $(field p50_ms "$sqlite_reg") ms, p99 $(field p99_ms "$sqlite_reg") ms) | >= 500 /s |
| Durable registrations, two instances on one database at once (5,000 each, own 50 subjects, 8 clients each) | **$two_rate /s** together ($versions_two versions stored; $(awk -v a="$two_rate" -v b="$(field per_second "$pg_reg")" 'BEGIN {printf "%.2f", a / b}')x one instance) | (one file, one process) | >= 1.5x one instance |
| \`GET /schemas/ids/{id}\`, 10,000 schemas, 64 connections, random ids (median of $ROUNDS) | **$pg_rps req/s**, p99 $pg_p99 ms | $sqlite_rps req/s, p99 $sqlite_p99 ms | within 10 %, p99 < 5 ms |
| PostgreSQL / SQLite reads | **$ratio %** | | >= 90 % |
| \`charter copy\` of 10,000 schemas in 1,000 subjects, SQLite into a fresh PostgreSQL, verified | **$copy_s s** | | < 60 s |
| The same copy run again (nothing to copy; everything read and verified) | $again_s s | | |

Two instances: $new_two_lines.
CPU used during the runs (per cent of one core; the machine has $(nproc)): one instance: $new_one_cpu; two instances: $new_two_cpu.
$(if [ -n "${OLD_BIN:-}" ]; then
  printf 'The same two runs with the registry of OLD_BIN (%s), first, on fresh databases: one instance %s /s (p50 %s ms, p99 %s ms; %s); two instances %s /s together (%s versions stored; %s; %s).' \
    "$OLD_BIN" "$(field per_second "$old_reg")" "$(field p50_ms "$old_reg")" "$(field p99_ms "$old_reg")" \
    "$old_one_cpu" "$old_two_rate" "$old_two_versions" "$old_two_lines" "$old_two_cpu"
fi)
Read rounds: $rounds_line non-2xx or socket errors: $read_errors.
Copy: \`$copied_line\`; \`$verified_line\`; again: \`$again_line\`.
Seeding the copy's source: \`$seeding\`.
MD
