#!/usr/bin/env bash
# Lint, then the whole suite on SQLite and on PostgreSQL (a fresh database per run).
# Exit code 5 from pytest (no tests collected) counts as a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

# The browser tests (tests/browser) drive Debian's Chromium through Playwright; Playwright's
# own browser download is never used. CI runs as root; elsewhere apt-get goes through sudo.
install_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  echo "=== installing Debian's chromium for the browser tests"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -qq &&
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
}

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

install_chromium || { echo "could not install chromium (apt-get install chromium)" >&2; exit 1; }
"$VENV/bin/ruff" check . || exit 1
"$VENV/bin/ruff" format --check . || exit 1
run_pytest sqlite "$@" || exit 1
run_pytest postgres "$@" || exit 1
echo "=== all tests passed on sqlite and postgres"
