# What the benchmark scripts share; sourced by ci/bench-*.sh, not run. It
# makes a work directory ($work) removed on exit, with every process
# started through `start` (their ids in $pids) stopped then.

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '%s\n' "$*" >&2; }

# start NAME COMMAND...: runs COMMAND in the background, waits for its
# `listening on ADDRESS` line, and sets PID and URL.
start() {
  local name=$1; shift
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 1000); do
    if grep -q '^listening on ' "$work/$name.out" 2>/dev/null; then
      URL="http://$(sed -n 's/^listening on //p' "$work/$name.out" | head -n 1)"
      return 0
    fi
    sleep 0.01
  done
  log "$name did not start:"; cat "$work/$name.err" >&2; exit 1
}

# stop PID: SIGTERM, and wait for it to exit.
stop() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; }

# median FIELD ROUNDS...: the median of one whitespace-separated field.
median() {
  local field=$1; shift
  printf '%s\n' "$@" | awk -v f="$field" '{print $f}' | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}

# wrk_ids URL SECONDS [HEADER]: GET /schemas/ids/{id} with random ids in
# 1..${MAX_ID:-10000}, 64 connections, HEADER on every request when given;
# prints "REQ_PER_S P99_MS ERRORS" (non-2xx answers and socket errors) and
# keeps wrk's own report in $work/wrk.log.
wrk_ids() {
  [ -f "$work/ids.lua" ] || cat >"$work/ids.lua" <<'LUA'
local max = tonumber(os.getenv("MAX_ID"))
math.randomseed(os.time())
request = function()
  return wrk.format("GET", "/schemas/ids/" .. math.random(1, max))
end
LUA
  local out rps p99 errors header=()
  [ $# -ge 3 ] && header=(-H "$3")
  out=$(MAX_ID="${MAX_ID:-10000}" wrk -t2 -c64 -d"$2"s --latency "${header[@]}" -s "$work/ids.lua" "$1")
  echo "$out" >>"$work/wrk.log"
  rps=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; printf "%.2f", v}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5} /Socket errors/ {print "socket:" $0}' | tr '\n' ' ')
  echo "$rps $p99 ${errors:-0}"
}

# cpu_seconds PID: the CPU time (user + system) a process has used so far.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"; }

# cluster_cpu_seconds DATA_DIR: the CPU time of a PostgreSQL cluster so far:
# its postmaster, the backends it has reaped and those still running.
cluster_cpu_seconds() {
  local postmaster child
  postmaster=$(head -n 1 "$1/postmaster.pid")
  {
    awk '{print $14 + $15 + $16 + $17}' "/proc/$postmaster/stat"
    for child in $(ps --ppid "$postmaster" -o pid=); do
      awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || true
    done
  } | awk -v hz="$(getconf CLK_TCK)" '{s += $1} END {printf "%.2f", s / hz}'
}

# share SECONDS_BEFORE SECONDS_AFTER WALL: CPU used over WALL seconds, in
# per cent of one core.
share() { awk -v a="$1" -v b="$2" -v w="$3" 'BEGIN {printf "%.0f", 100 * (b - a) / w}'; }
