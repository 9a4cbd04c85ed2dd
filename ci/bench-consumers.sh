#!/usr/bin/env bash
# Benchmarks consumers in the registry (issue 14, Speed), release build,
# SQLite with synchronous=FULL, client and server on the same 2 cores:
#
# - a registration against a subject with CONSUMERS recorded consumers
#   (default 100), each with a reader of its own, under
#   consumerCompatibility ENFORCE, beside the same registration on a subject
#   with NONE, interleaved in one run (median of ROUNDS each): the
#   difference is what judging the consumers costs;
# - POST /can-i-deploy for a producer (every consumer × the candidate) and
#   for a consumer (its reader × VERSIONS deployed versions, default 50),
#   and GET /subjects/{s}/consumers (every consumer × every deployed
#   version), median of ROUNDS.
#
# Versions add one optional string property each to an open object, so
# every version is a new schema; consumer k reads p1..p(1 + k mod VERSIONS)
# and says who it is in `description`, so no two readers are alike and every
# one reads every registered candidate.
#
# Prints a Markdown section for BENCHMARKS.md on stdout, with `uptime`.
#
# Usage: ci/bench-consumers.sh [CONSUMERS] [VERSIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

CONSUMERS="${1:-100}"
VERSIONS="${2:-50}"
ROUNDS="${3:-30}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
source ci/bench-lib.sh

log "building (release)"
cargo build --release -q -p registry --bin charter-registry
release="$CARGO_TARGET_DIR/release"

start registry "$release/charter-registry" --listen 127.0.0.1:0 \
    --database-url "sqlite://$work/charter.db" --log-level warn

python3 - "$URL" "$CONSUMERS" "$VERSIONS" "$ROUNDS" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request

url, consumers, versions, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])

def call(method, path, body=None, ok=(200,)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req) as answer:
            status, text = answer.status, answer.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    elapsed = time.perf_counter() - start
    if status not in ok:
        sys.exit(f"{method} {path}: {status} {text[:300]!r}")
    return elapsed, json.loads(text)

def schema(n):
    props = {f"p{i}": {"type": "string"} for i in range(1, n + 1)}
    return {"schemaType": "JSON", "schema": json.dumps({"type": "object", "properties": props})}

def reader(k):
    props = {f"p{i}": {"type": "string"} for i in range(1, 2 + k % versions)}
    text = {"type": "object", "properties": props, "description": f"consumer {k}"}
    return {"environment": "prod", "schemaType": "JSON", "schema": json.dumps(text)}

for subject, setting in [("gated-value", "ENFORCE"), ("plain-value", "NONE")]:
    call("PUT", f"/config/{subject}", {"compatibility": "NONE", "consumerCompatibility": setting})
    for n in range(1, versions + 1):
        call("POST", f"/subjects/{subject}/versions", schema(n))
        call("PUT", f"/deployments/prod/subjects/{subject}", {"version": n})
for k in range(1, consumers + 1):
    call("PUT", f"/consumers/consumer-{k}/subjects/gated-value", reader(k))

def ms(samples):
    return statistics.median(samples) * 1000

# Registrations, interleaved: the same new schema on both subjects.
gated, plain = [], []
for r in range(rounds):
    body = schema(versions + 1 + r)
    for subject, samples in [("gated-value", gated), ("plain-value", plain)]:
        elapsed, answer = call("POST", f"/subjects/{subject}/versions", body)
        samples.append(elapsed)
# Deployed versions stay the first VERSIONS; the latest is the last registered.
producer = {"subject": "gated-value", "environment": "prod", **schema(versions + rounds + 1)}
consumer = {"consumer": "newcomer", "subject": "gated-value", "environment": "prod",
            "reader": {k: v for k, v in reader(0).items() if k != "environment"}}
timed = {"producer": [], "consumer": [], "listing": []}
for _ in range(rounds):
    elapsed, answer = call("POST", "/can-i-deploy", producer)
    assert len(answer["matrix"]) == consumers, answer
    timed["producer"].append(elapsed)
    elapsed, answer = call("POST", "/can-i-deploy", consumer)
    assert len(answer["matrix"]) == versions + 1, len(answer["matrix"])
    timed["consumer"].append(elapsed)
# The first listing judges every pair; the next ones find the verdicts kept.
cold, _ = call("GET", "/subjects/gated-value/consumers?environment=prod")
for _ in range(max(3, rounds // 10)):
    elapsed, answer = call("GET", "/subjects/gated-value/consumers?environment=prod")
    assert len(answer) == consumers
    timed["listing"].append(elapsed)

uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
print(f"""## Consumers (issue 14)

`ci/bench-consumers.sh {consumers} {versions} {rounds}`: release build, SQLite
(`synchronous=FULL`), client (Python, urllib) and server on the same 2 cores;
medians of {rounds} requests (the listing: its first answer, then the median of {max(3, rounds // 10)} more). `uptime`
at the end: `{uptime}`.

| what | target | median |
| --- | --- | --- |
| registration, subject with consumerCompatibility NONE (baseline) | — | {ms(plain):.2f} ms |
| registration, subject with {consumers} consumers (each its own reader) under ENFORCE | baseline + < 20 ms | {ms(gated):.2f} ms (+{ms(gated) - ms(plain):.2f} ms) |
| `POST /can-i-deploy`, producer: {consumers} consumers × the candidate | — | {ms(timed['producer']):.2f} ms |
| `POST /can-i-deploy`, consumer: one reader × {versions} deployed versions + the latest | < 200 ms | {ms(timed['consumer']):.2f} ms |
| `GET /subjects/{{s}}/consumers`, first: {consumers} consumers × ({versions} deployed + the latest) | — | {cold * 1000:.2f} ms |
| `GET /subjects/{{s}}/consumers`, again (verdicts kept) | — | {ms(timed['listing']):.2f} ms |
""")
PY
