#!/bin/sh
# Everything CI checks, in the order CI checks it. Run from the repository root after
#   python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'
set -eu
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
echo "== ruff"
"$PY" -m ruff check src tests tools bench
"$PY" -m ruff format --check src tests tools bench
echo "== mypy --strict (Linux, and as on Windows and macOS: no POSIX-only call without a fallback)"
"$PY" -m mypy
"$PY" -m mypy --platform win32
"$PY" -m mypy --platform darwin
echo "== pytest"
"$PY" -m pytest "$@"
