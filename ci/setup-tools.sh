#!/usr/bin/env bash
# Installs the third-party tools the tests drive, into target/ (idempotent):
# a Python virtualenv with Confluent's client for the interoperability tests.
# Prints the environment the tests read; sourced by nothing, safe to re-run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
echo "no third-party tools needed yet"
