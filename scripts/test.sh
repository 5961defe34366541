#!/usr/bin/env bash
# Lint, then the whole suite on SQLite and on PostgreSQL (a fresh database per run).
# Exit code 5 from pytest (no tests collected) counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

run_pytest() {
  local engine=$1; shift
  echo "=== pytest on ${engine}"
  PORTAL_TEST_DB=$engine "$VENV/bin/pytest" "$@"
  local rc=$?
  if [ "$rc" -eq 5 ]; then
    echo "pytest collected no tests on ${engine}: failing" >&2
    return 1
  fi
  return "$rc"
}

"$VENV/bin/ruff" check . || exit 1
"$VENV/bin/ruff" format --check . || exit 1
run_pytest sqlite "$@" || exit 1
run_pytest postgres "$@" || exit 1
echo "=== all tests passed on sqlite and postgres"
