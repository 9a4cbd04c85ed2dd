#!/usr/bin/env bash
# Installs the third-party clients the interoperability tests drive, into
# target/ (idempotent, nothing global): a Python virtualenv with Confluent's
# own client, pinned in ci/interop/requirements.txt. Prints the virtualenv's
# path on its last line; ci/test.sh passes it to the tests as CHARTER_PY.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=target/ci-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" >&2
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r ci/interop/requirements.txt >&2
# The serdes the interop scripts use import fastavro, protobuf and googleapis-common-protos.
"$venv/bin/python" -c "import importlib.metadata, confluent_kafka.schema_registry.avro, confluent_kafka.schema_registry.protobuf; print('confluent-kafka', importlib.metadata.version('confluent-kafka'))" >&2
echo "$PWD/$venv"
