#!/bin/sh
# The checks of README.md's "Run the tests", in this order: lint, types, the documentation site,
# the tests. CI (.ci/run) runs this and more (README.md says what). Run from the repository root
# after
#   python3 -m venv .venv && .venv/bin/pip install -e '.[dev]'
# Arguments go to pytest: `sh tools/check.sh tests/test_cli.py` runs a part.
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
echo "== mkdocs build --strict"
# no broken link, no page outside the navigation; the site goes to a temporary folder (the
# docs tests build their own); Material's notice about MkDocs 2 is silenced
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
NO_MKDOCS_2_WARNING=1 "$PY" -m mkdocs build --strict --quiet --site-dir "$site"
echo "== pytest"
"$PY" -m pytest "$@"
