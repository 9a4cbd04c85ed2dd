#!/usr/bin/env bash
# Authentication benchmark, on loopback only (about 3 minutes on 2 cores).
# Prints a Markdown section for BENCHMARKS.md on stdout; progress goes to
# stderr. Needs wrk (Debian package `wrk`).
#
# Two registries on one database of 10,000 schemas (100 subjects `bench-k`,
# 100 versions each): one open (no auth file), one with an auth file whose
# principal `bench` may read `bench-*` (a glob, not `*`, so every read by id
# checks the subjects the id is registered under). wrk reads random ids from
# both, the authenticated one with HTTP Basic credentials, in interleaved
# rounds of the same settings; medians are compared. The password is hashed
# with argon2id at its default cost: each request re-hashing it would cap the
# registry at a few dozen requests per second, so the figure also shows the
# verification cache at work (the verification counter is reported).
#
# With OLD_BIN (a directory holding a `charter-registry` built from an
# earlier commit) two more registries of that binary, open and with the same
# auth file, serve the same database and take their turns in every round, so
# old and new are compared side by side.
#
# Usage: [OLD_BIN=DIR] ci/bench-auth.sh
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
cargo build --release -q -p registry --bin charter-registry --example register_load
release="$CARGO_TARGET_DIR/release"


registry() { # registry NAME [FLAGS...]; BIN_DIR chooses the binary's directory
  local name=$1; shift
  start "$name" "${BIN_DIR:-$release}/charter-registry" --listen 127.0.0.1:0 \
    --database-url "sqlite://$work/charter.db" --log-level warn "$@"
}

password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
hash=$(printf %s "$password" | "$release/charter-registry" hash-secret)
cat >"$work/auth.toml" <<TOML
[[principals]]
name = "bench"
password_hash = "$hash"

[[grants]]
principal = "bench"
subjects = ["bench-*"]
permissions = ["read"]
TOML
authorization="Basic $(printf %s "bench:$password" | base64 -w0)"

registry open; OPEN=$PID; OPEN_URL=$URL
log "registering 10,000 schemas"
"$release/examples/register_load" "$OPEN_URL" 10000 8 100 >&2
registry auth --auth-file "$work/auth.toml"; AUTH=$PID; AUTH_URL=$URL
if [ -n "${OLD_BIN:-}" ]; then
  BIN_DIR=$OLD_BIN registry old_open; OLD_OPEN=$PID; OLD_OPEN_URL=$URL
  BIN_DIR=$OLD_BIN registry old_auth --auth-file "$work/auth.toml"; OLD_AUTH=$PID; OLD_AUTH_URL=$URL
fi

status=$(curl -s -o /dev/null -w "%{http_code}" -H "Authorization: $authorization" "$AUTH_URL/schemas/ids/1")
[ "$status" = 200 ] || { log "the benchmark principal cannot read: HTTP $status"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' "$AUTH_URL/schemas/ids/1")
[ "$status" = 401 ] || { log "the auth file is not in force: HTTP $status"; exit 1; }

log "warming up"
wrk_ids "$OPEN_URL" 5 >/dev/null
wrk_ids "$AUTH_URL" 5 "Authorization: $authorization" >/dev/null
if [ -n "${OLD_BIN:-}" ]; then
  wrk_ids "$OLD_OPEN_URL" 5 >/dev/null
  wrk_ids "$OLD_AUTH_URL" 5 "Authorization: $authorization" >/dev/null
fi
log "measuring GET /schemas/ids/{id}: $ROUNDS interleaved rounds of ${DURATION}s per registry"
open_rounds=(); auth_rounds=(); old_open_rounds=(); old_auth_rounds=()
# Each round runs the registries one after the other, and every other round
# in the opposite order, so that load other work adds or removes during the
# run weighs on each registry alike instead of always on the later ones.
measure() { # measure KIND: one turn of one registry
  case $1 in
    old_open) old_open_rounds+=("$(wrk_ids "$OLD_OPEN_URL" "$DURATION")") ;;
    old_auth) old_auth_rounds+=("$(wrk_ids "$OLD_AUTH_URL" "$DURATION" "Authorization: $authorization")") ;;
    open) open_rounds+=("$(wrk_ids "$OPEN_URL" "$DURATION")") ;;
    auth) auth_rounds+=("$(wrk_ids "$AUTH_URL" "$DURATION" "Authorization: $authorization")") ;;
  esac
}
turns=(open auth)
[ -n "${OLD_BIN:-}" ] && turns=(old_open old_auth open auth)
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then order=("${turns[@]}"); else
    order=(); for ((i = ${#turns[@]} - 1; i >= 0; i--)); do order+=("${turns[$i]}"); done
  fi
  for kind in "${order[@]}"; do measure "$kind"; done
done
verifications=$(curl -s -H "Authorization: $authorization" "$AUTH_URL/metrics" |
  awk '$1 == "charter_auth_secret_verifications_total" {print $2}')
stop "$AUTH"; stop "$OPEN"
if [ -n "${OLD_BIN:-}" ]; then stop "$OLD_AUTH"; stop "$OLD_OPEN"; fi

open_rps=$(median 1 "${open_rounds[@]}"); open_p99=$(median 2 "${open_rounds[@]}")
auth_rps=$(median 1 "${auth_rounds[@]}"); auth_p99=$(median 2 "${auth_rounds[@]}")
non2xx=$(printf '%s\n' "${open_rounds[@]}" "${auth_rounds[@]}" "${old_open_rounds[@]}" "${old_auth_rounds[@]}" | awk '{s += $3} END {print s + 0}')
ratio=$(awk -v a="$auth_rps" -v b="$open_rps" 'BEGIN {printf "%.0f", 100 * a / b}')
rounds_line=$(for i in $(seq 0 $((ROUNDS - 1))); do
  printf 'round %d: open %s req/s p99 %s ms, authenticated %s req/s p99 %s ms; ' $((i + 1)) \
    $(echo "${open_rounds[$i]}" | awk '{print $1, $2}') $(echo "${auth_rounds[$i]}" | awk '{print $1, $2}')
done)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
load=$(cut -d' ' -f1-3 /proc/loadavg)
cat <<MD
## Authentication

Measured by \`ci/bench-auth.sh\` on $(nproc) cores ($cpu), $(date -u +%Y-%m-%d),
release build, one SQLite database of 10,000 schemas served by two registries
at once: one open, one with an auth file (principal \`bench\`, HTTP Basic,
\`read\` on \`bench-*\`). wrk (2 threads, 64 connections, random ids) on the
same machine over loopback, $ROUNDS interleaved rounds of ${DURATION} s per
registry (every other round in reverse order), medians. Load average when the run ended: $load (at the start:
$load_start).

| \`GET /schemas/ids/{id}\` | req/s | p99 |
| --- | --- | --- |
| open (no auth file) | $open_rps | $open_p99 ms |
| HTTP Basic, verification cached, per-subject read check | $auth_rps | $auth_p99 ms |
| authenticated / open | **$ratio %** (target >= 90 %) | |

Non-2xx answers in all rounds: $non2xx. Argon2 verifications during the
whole run (warm-up included): $verifications.

Rounds: $rounds_line
$(if [ -n "${OLD_BIN:-}" ]; then
  old_open_rps=$(median 1 "${old_open_rounds[@]}"); old_auth_rps=$(median 1 "${old_auth_rounds[@]}")
  printf '\nThe registries of OLD_BIN (%s), in the same rounds (old open, old authenticated, open, authenticated, and the reverse in every other round): open %s req/s (p99 %s ms), authenticated %s req/s (p99 %s ms), **%s %%**; rounds: %s\n' \
    "$OLD_BIN" "$old_open_rps" "$(median 2 "${old_open_rounds[@]}")" "$old_auth_rps" "$(median 2 "${old_auth_rounds[@]}")" \
    "$(awk -v a="$old_auth_rps" -v b="$old_open_rps" 'BEGIN {printf "%.0f", 100 * a / b}')" \
    "$(for i in $(seq 0 $((ROUNDS - 1))); do printf 'open %s, authenticated %s req/s; ' \
      "$(echo "${old_open_rounds[$i]}" | awk '{print $1}')" "$(echo "${old_auth_rounds[$i]}" | awk '{print $1}')"; done)"
fi)
MD
