#!/usr/bin/env bash
# Installs the third-party clients the end-to-end tests drive (idempotent):
# - a Python virtualenv with Confluent's own client, pinned in
#   ci/interop/requirements.txt, in target/ci-venv;
# - for the browser test of the web page (registry/tests/ui.rs): Debian's
#   chromium, and Node.js when missing (apt-get), and playwright-core pinned
#   in ci/ui/package-lock.json, in target/ci-node (it never downloads a
#   browser: the test drives /usr/bin/chromium).
# Prints the virtualenv's path on its last line; ci/test.sh passes it to the
# tests as CHARTER_PY.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=target/ci-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r ci/interop/requirements.txt >&2
# The serdes the interop scripts use import fastavro, protobuf and googleapis-common-protos.
"$venv/bin/python" -c "import importlib.metadata, confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf; print('confluent-kafka', importlib.metadata.version('confluent-kafka'))" >&2

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-tools: installing ${missing[*]} from Debian" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi
node_dir=target/ci-node
if ! cmp -s ci/ui/package-lock.json "$node_dir/package-lock.json" ||
  [ ! -f "$node_dir/node_modules/playwright-core/package.json" ]; then
  mkdir -p "$node_dir"
  cp ci/ui/package.json ci/ui/package-lock.json "$node_dir/"
  (cd "$node_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >&2)
fi
echo "node $(node --version), $(chromium --version 2>/dev/null), playwright-core $(node -p "require('./$node_dir/node_modules/playwright-core/package.json').version")" >&2

echo "$PWD/$venv"
