#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for SECONDS_PER_TARGET seconds (one
# libFuzzer process at a time), then prints per target: seconds, executions,
# exec/s, corpus growth and findings (crash, timeout or out-of-memory inputs
# libFuzzer wrote to fuzz/artifacts/<target>/). Exits 1 when any target
# found something, with the command that replays it.
#
# Usage: ci/fuzz.sh [--dev] [SECONDS_PER_TARGET] [TARGET...]
#   (default: 60 seconds, every target; --dev builds without optimizations,
#   about half the build time, for the smoke run of ci/test.sh)
#
# Works on a stable toolchain alone: `--sanitizer none` needs only stable
# rustc flags (coverage instrumentation, `--cfg fuzzing`, debug assertions
# and overflow checks), no nightly and no RUSTC_BOOTSTRAP (see FUZZING.md).
# cargo-fuzz, pinned, is installed into target/tools when it is missing.
# RUSTFLAGS, when set (ci/test.sh sets `-D warnings`), is passed through.
#
# Each run starts from the committed seeds (fuzz/corpus/<target>) plus what
# earlier runs found (fuzz/corpus-run/<target>, not committed), and keeps
# its log in fuzz/corpus-run/<target>.log.
#
# Environment: FUZZ_TIMEOUT (seconds per input before it counts as a hang,
# default 1), FUZZ_RSS_MB (memory before it counts as out-of-memory,
# default 2048), FUZZ_RUNS (the folder of found inputs and logs, default
# fuzz/corpus-run), FUZZ_ARGS (more libFuzzer flags).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

build=(--sanitizer none)
profile="release, debug assertions"
if [ "${1:-}" = "--dev" ]; then
  build+=(--dev)
  profile="dev"
  shift
fi
seconds="${1:-60}"
shift || true
CARGO_FUZZ_VERSION=0.13.2
timeout="${FUZZ_TIMEOUT:-1}"
rss_mb="${FUZZ_RSS_MB:-2048}"
runs="${FUZZ_RUNS:-fuzz/corpus-run}"

if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
  export PATH="$PWD/target/tools/bin:$PATH"
  if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
    echo "fuzz: installing cargo-fuzz $CARGO_FUZZ_VERSION into target/tools" >&2
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root target/tools --quiet
  fi
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

echo "fuzz: building ${#targets[@]} targets ($profile, --sanitizer none)" >&2
cargo fuzz build "${build[@]}"
triple=$(rustc -vV | sed -n 's/^host: //p')
if [ "$profile" = dev ]; then
  bin="fuzz/target/$triple/debug"
else
  bin="fuzz/target/$triple/release"
fi

results=()
found=0
for target in "${targets[@]}"; do
  work="$runs/$target"
  artifacts="fuzz/artifacts/$target"
  log="$runs/$target.log"
  mkdir -p "$work" "$artifacts" "fuzz/corpus/$target"
  before=$(find "$artifacts" -type f | sort)
  echo "fuzz: $target for ${seconds}s" >&2
  status=0
  started=$(date +%s)
  # The binary cargo-fuzz built above, run as `cargo fuzz run` would, so
  # that sources edited meanwhile do not change what is being fuzzed. The
  # watchdog: without a sanitizer's allocator, libFuzzer's timeout handler
  # can deadlock in malloc (it writes the input from a signal handler), and
  # a stuck target must not stall the whole run; it counts as a finding.
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  timeout --signal=KILL $((seconds + 120)) "$bin/$target" "$work" "fuzz/corpus/$target" \
    -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb="$rss_mb" \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    ${FUZZ_ARGS:-} >"$log" 2>&1 || status=$?
  wall=$(($(date +%s) - started))
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
  if [ -z "$executions" ]; then
    # Stopped by a finding before the final stats: the last `#N` status line.
    executions=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$log" | tail -n1)
  fi
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
  elapsed=$(sed -n 's/.*Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n1)
  if [ -z "$elapsed" ]; then
    # Stopped by a finding: libFuzzer printed neither its time nor its rate,
    # so both come from the wall clock (not the time asked for, which made a
    # run stopped after a few seconds read as slow).
    elapsed="~$wall"
    if [ -z "$per_second" ] && [ -n "$executions" ] && [ "$wall" -gt 0 ]; then
      per_second="~$((executions / wall))"
    fi
  fi
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -n1)
  new_inputs=$(comm -13 <(echo "$before") <(find "$artifacts" -type f | sort) | sed '/^$/d')
  findings=$(printf '%s' "$new_inputs" | grep -c . || true)
  if [ "$status" -ne 0 ] && [ "$findings" -eq 0 ]; then
    findings=1 # libFuzzer failed without writing an input (a build or setup error)
    tail -n 20 "$log" >&2
  fi
  results+=("$(printf '%-20s %8s %12s %8s %6s %8s' "$target" "$elapsed" \
    "${executions:-0}" "${per_second:-?}" "${added:-?}" "$findings")")
  if [ "$findings" -gt 0 ]; then
    found=$((found + findings))
    grep -E '^(==[0-9]+== ERROR|thread .* panicked|.*deadly signal|.*Test unit written)' "$log" >&2 || tail -n 30 "$log" >&2
    for input in $new_inputs; do
      echo "  replay: $bin/$target $input   (or: cargo fuzz run ${build[*]} $target $input)" >&2
    done
  fi
done

echo
echo "load: $(uptime)"
printf '%-20s %8s %12s %8s %6s %8s\n' target seconds executions exec/s added findings
printf '%s\n' "${results[@]}"
if [ "$found" -gt 0 ]; then
  echo "fuzz: $found finding(s); inputs in fuzz/artifacts/" >&2
  exit 1
fi
