#!/usr/bin/env bash
# Installs the third-party clients the end-to-end tests drive (idempotent):
# - a Python virtualenv with Confluent's own client, pinned in
#   ci/interop/requirements.txt, in target/ci-venv;
# - for the browser test of the web page (registry/tests/ui.rs): Debian's
#   chromium, and Node.js when missing (apt-get), and playwright-core pinned
#   in ci/ui/package-lock.json, in target/ci-node (it never downloads a
#   browser: the test drives /usr/bin/chromium);
# - Confluent's JavaScript client (@confluentinc/schemaregistry) pinned in
#   ci/interop/js/package-lock.json, in target/ci-interop-js, for the Node
#   interop scripts in ci/interop/js (registry/tests/interop.rs).
# - schemathesis, pinned in ci/schemathesis/requirements.txt, in a virtualenv
#   of its own, target/ci-schemathesis (registry/tests/openapi.rs and
#   ci/schemathesis-long.sh run it against the real registry);
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

schemathesis_venv=target/ci-schemathesis
if [ ! -x "$schemathesis_venv/bin/python" ]; then
  python3 -m venv "$schemathesis_venv" >&2
fi
"$schemathesis_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r ci/schemathesis/requirements.txt >&2
echo "schemathesis $("$schemathesis_venv/bin/schemathesis" --version 2>&1 | tail -n1)" >&2

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-tools: installing ${missing[*]} from Debian" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >&2
fi
# Installs the npm packages `src` pins (its package.json and package-lock.json)
# into `dir` unless the same lock is already installed there with `probe`.
npm_install() {
  local src=$1 dir=$2 probe=$3
  if ! cmp -s "$src/package-lock.json" "$dir/package-lock.json" ||
    [ ! -f "$dir/node_modules/$probe/package.json" ]; then
    mkdir -p "$dir"
    cp "$src/package.json" "$src/package-lock.json" "$dir/"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund >&2)
  fi
}
npm_install ci/interop/js target/ci-interop-js @confluentinc/schemaregistry
echo "@confluentinc/schemaregistry $(node -p "require('./target/ci-interop-js/node_modules/@confluentinc/schemaregistry/package.json').version")" >&2
node_dir=target/ci-node
npm_install ci/ui "$node_dir" playwright-core
echo "node $(node --version), $(chromium --version 2>/dev/null), playwright-core $(node -p "require('./$node_dir/node_modules/playwright-core/package.json').version")" >&2

echo "$PWD/$venv"
