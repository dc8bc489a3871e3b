#!/usr/bin/env bash
# Set up what the project needs from its own files.
#
#   scripts/bootstrap.sh          runtime only: a virtualenv with the package and its
#                                 runtime dependencies (what `make demo` needs)
#   scripts/bootstrap.sh --dev    also the dev tools (pytest, mypy, ruff...), the offline
#                                 Neo4j Cypher linter and the browser-test driver from
#                                 npm, Debian's chromium and promtool (what `make test` needs)
#
# Re-running is cheap: each step is skipped while its inputs are unchanged (a stamp per
# step holds a digest of them). A dev virtualenv serves the runtime too.
set -euo pipefail
cd "$(dirname "$0")/.."

dev=false
case "${1:-}" in
  --dev) dev=true ;;
  "") ;;
  *) echo "usage: $0 [--dev]" >&2; exit 2 ;;
esac

PYTHON=${PYTHON:-python3}
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

venv_stamp=$(stamp_of pyproject.toml)
if $dev; then want=dev; extras=".[dev]"; else want=runtime; extras="."; fi
have_dev=$(cat .venv/.stamp-dev 2>/dev/null || true)
have_runtime=$(cat .venv/.stamp-runtime 2>/dev/null || true)
if [ ! -x .venv/bin/python ] \
   || { $dev && [ "$have_dev" != "$venv_stamp" ]; } \
   || { ! $dev && [ "$have_runtime" != "$venv_stamp" ] && [ "$have_dev" != "$venv_stamp" ]; }; then
  if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv" >&2
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
  fi
  echo "bootstrap: installing the $want dependencies (pip install -e \"$extras\")" >&2
  .venv/bin/python -m pip install --quiet -e "$extras"
  echo "$venv_stamp" > .venv/.stamp-runtime
  if $dev; then echo "$venv_stamp" > .venv/.stamp-dev; fi
fi

$dev || exit 0

npm_tool() {  # npm_tool DIR WHAT: `npm ci` in DIR unless its lock is unchanged
  local dir=$1 what=$2 stamp
  stamp=$(stamp_of "$dir/package.json" "$dir/package-lock.json")
  if [ -d "$dir/node_modules" ] && [ "$(cat "$dir/node_modules/.stamp" 2>/dev/null)" = "$stamp" ]; then
    return
  fi
  if command -v npm >/dev/null 2>&1; then
    echo "bootstrap: installing $what (npm ci)" >&2
    (cd "$dir" && npm ci --silent --no-audit --no-fund)
    echo "$stamp" > "$dir/node_modules/.stamp"
  else
    echo "bootstrap: npm not found; $what is missing and its tests will fail" >&2
  fi
}
npm_tool tools/cypher-lint "the Cypher linter"
# Browser tests (tests/browser): playwright-core from npm drives Debian's Chromium; it
# never downloads a browser of its own (`npx playwright install` does not work offline).
npm_tool tools/browser "the browser-test driver"

debian_tool() {  # debian_tool PATH PACKAGE WHY [APT OPTIONS]: install PACKAGE unless PATH is there
  local path=$1 package=$2 why=$3
  shift 3
  [ -x "$path" ] && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian's $package for $why" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "$package"
  else
    echo "bootstrap: $path is missing; $why needs it:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $package" >&2
  fi
}
debian_tool /usr/bin/chromium chromium "the browser tests"
# promtool checks GET /metrics as Prometheus would (tests/api/test_promtool.py).
# Only the tool is needed, not the exporters Debian recommends beside the server.
debian_tool /usr/bin/promtool prometheus "the Prometheus exposition test" --no-install-recommends
