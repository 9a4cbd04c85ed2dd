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
  for _ in $(seq 1 500); do
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
