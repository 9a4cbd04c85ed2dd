#!/usr/bin/env bash
# Registry benchmark, on loopback only, bounded in time (about 5 minutes on
# 2 cores). Prints a Markdown section for BENCHMARKS.md on stdout; progress
# goes to stderr. Needs wrk (Debian package `wrk`).
#
#   1. Registration: 10,000 new schemas (100 subjects x 100 versions, each a
#      BACKWARD-checked evolution), 8 concurrent clients, each acknowledged
#      only after its SQLite commit (WAL, synchronous=FULL).
#   2. GET /schemas/ids/{id} over those 10,000 schemas, random ids, 64
#      connections, against a bare axum route of the same shape, same wrk
#      settings, same run.
#   3. 100,000 stored schemas: start-up time to a ready answer, resident
#      memory after start-up and after reads spread over every id.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DURATION="${BENCH_DURATION:-10}"
ROUNDS="${BENCH_ROUNDS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }

# shellcheck source=ci/bench-lib.sh
source ci/bench-lib.sh

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
log "building (release)"
cargo build --release -q -p registry --bin charter-registry --examples
release="$CARGO_TARGET_DIR/release"

registry() { # registry NAME DATABASE_DIR
  start "$1" "$release/charter-registry" --listen 127.0.0.1:0 \
    --database-url "sqlite://$2/charter.db" --log-level warn
}

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# --- 1. registrations --------------------------------------------------------
mkdir -p "$work/db10k"
registry reg10k "$work/db10k"; REG=$PID; REG_URL=$URL
log "registering 10,000 schemas"
registration=$("$release/examples/register_load" "$REG_URL" 10000 8 100)
log "$registration"
reg_rate=$(echo "$registration" | sed -n 's/.*per_second=\([0-9]*\).*/\1/p')
reg_p50=$(echo "$registration" | sed -n 's/.*p50_ms=\([0-9.]*\).*/\1/p')
reg_p99=$(echo "$registration" | sed -n 's/.*p99_ms=\([0-9.]*\).*/\1/p')

# --- 2. reads by id vs a bare axum route -------------------------------------
# The bare route answers bodies of the registry's average size.
body_bytes=$(for id in $(seq 1 50 10000); do
  curl -s -o /dev/null -w '%{size_download}\n' "$REG_URL/schemas/ids/$id"
done | awk '{s += $1} END {printf "%d", s / NR}')
start bare "$release/examples/bare_axum" 127.0.0.1:0 "$body_bytes"; BARE=$PID; BARE_URL=$URL
log "warming up"
wrk_ids "$REG_URL" 5 >/dev/null
wrk_ids "$BARE_URL" 5 >/dev/null
# Interleaved rounds, medians reported: a burst of other work on the machine
# hits one round of one server, not the comparison.
log "measuring GET /schemas/ids/{id}: $ROUNDS interleaved rounds of ${DURATION}s per server"
reg_rounds=(); bare_rounds=()
for _ in $(seq 1 "$ROUNDS"); do
  reg_rounds+=("$(wrk_ids "$REG_URL" "$DURATION")")
  bare_rounds+=("$(wrk_ids "$BARE_URL" "$DURATION")")
done
stop "$BARE"; stop "$REG"
reg_rps=$(median 1 "${reg_rounds[@]}"); reg_p99_read=$(median 2 "${reg_rounds[@]}")
bare_rps=$(median 1 "${bare_rounds[@]}"); bare_p99=$(median 2 "${bare_rounds[@]}")
reg_errors=$(printf '%s\n' "${reg_rounds[@]}" | awk '{$1 = $2 = ""; print}' | tr -s ' \n' ' ')
rounds_line=$(for i in $(seq 0 $((ROUNDS - 1))); do
  printf 'round %d: registry %s req/s p99 %s ms, bare %s req/s p99 %s ms; ' $((i + 1)) \
    $(echo "${reg_rounds[$i]}" | awk '{print $1, $2}') $(echo "${bare_rounds[$i]}" | awk '{print $1, $2}')
done)
ratio=$(awk -v a="$reg_rps" -v b="$bare_rps" 'BEGIN {printf "%.0f", 100 * a / b}')

# --- 3. 100,000 schemas: start-up and memory ---------------------------------
mkdir -p "$work/db100k"
registry seed100k "$work/db100k"; SEED=$PID
log "registering 100,000 schemas (1,000 subjects x 100 versions)"
seeding=$("$release/examples/register_load" "$URL" 100000 8 1000)
log "$seeding"
stop "$SEED"
db_mb=$(du -sm "$work/db100k" | cut -f1)

t0=$(date +%s%N)
registry big "$work/db100k"; BIG=$PID; BIG_URL=$URL
until curl -sf "$BIG_URL/health/ready" >/dev/null; do sleep 0.005; done
t1=$(date +%s%N)
startup_ms=$(( (t1 - t0) / 1000000 ))
rss_start=$(rss_mb "$BIG")
log "reading ids across all 100,000 schemas"
read -r big_rps big_p99 big_errors <<<"$(MAX_ID=100000 wrk_ids "$BIG_URL" 15)"
rss_after=$(rss_mb "$BIG")
stop "$BIG"

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<MD
## Registry

Measured by \`ci/bench-registry.sh\` on $(nproc) cores ($cpu), $(date -u +%Y-%m-%d),
release build, SQLite in WAL mode with \`synchronous=FULL\` (every acknowledged
registration is fsynced), wrk (2 threads) on the same machine over loopback.
Load average when the run ended: $load (at the start: $load_start); other
work on the machine shares the 2 cores, so read figures are medians of
$ROUNDS interleaved rounds of ${DURATION} s per server.

| What | Figure | Target |
| --- | --- | --- |
| Registrations of new schemas (10,000; 8 clients; each BACKWARD-checked and durably committed) | **$reg_rate /s** (p50 $reg_p50 ms, p99 $reg_p99 ms) | >= 500 /s |
| \`GET /schemas/ids/{id}\`, 10,000 schemas, 64 connections, random ids | **$reg_rps req/s**, p99 $reg_p99_read ms (non-2xx per round: $reg_errors) | p99 < 5 ms |
| Bare axum route of the same shape and body size ($body_bytes bytes), same settings | $bare_rps req/s, p99 $bare_p99 ms | |
| Registry / bare axum | **$ratio %** | >= 60 % |
| Start-up with 100,000 stored schemas ($db_mb MB database), to a ready answer | **$startup_ms ms** | < 2 s |
| Resident memory after that start-up | **$rss_start MB** | < 300 MB |
| Resident memory after ${big_rps} req/s of random reads over all 100,000 ids for 15 s | **$rss_after MB** | < 300 MB |

Rounds: $rounds_line

Seeding the 100,000 schemas through the API: \`$seeding\`.
MD
