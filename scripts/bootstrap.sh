#!/usr/bin/env bash
# Set up everything the project needs from its own files: a virtualenv with the
# package and its dev tools, and the offline Neo4j Cypher linter from npm.
# Re-running is cheap: each step is skipped while its inputs are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
stamp_of() { cat "$@" | sha256sum | cut -c1-16; }

venv_stamp=$(stamp_of pyproject.toml)
if [ ! -x .venv/bin/python ] || [ "$(cat .venv/.stamp 2>/dev/null)" != "$venv_stamp" ]; then
  echo "bootstrap: creating .venv" >&2
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$venv_stamp" > .venv/.stamp
fi

lint_dir=tools/cypher-lint
lint_stamp=$(stamp_of "$lint_dir/package.json" "$lint_dir/package-lock.json")
if [ ! -d "$lint_dir/node_modules" ] || [ "$(cat "$lint_dir/node_modules/.stamp" 2>/dev/null)" != "$lint_stamp" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "bootstrap: installing the Cypher linter (npm ci)" >&2
    (cd "$lint_dir" && npm ci --silent --no-audit --no-fund)
    echo "$lint_stamp" > "$lint_dir/node_modules/.stamp"
  else
    echo "bootstrap: npm not found; the Cypher lint test will fail" >&2
  fi
fi

# Browser tests (tests/browser): playwright-core from npm drives Debian's Chromium; it
# never downloads a browser of its own (`npx playwright install` does not work offline).
browser_dir=tools/browser
browser_stamp=$(stamp_of "$browser_dir/package.json" "$browser_dir/package-lock.json")
if [ ! -d "$browser_dir/node_modules" ] || [ "$(cat "$browser_dir/node_modules/.stamp" 2>/dev/null)" != "$browser_stamp" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "bootstrap: installing the browser-test driver (npm ci)" >&2
    (cd "$browser_dir" && npm ci --silent --no-audit --no-fund)
    echo "$browser_stamp" > "$browser_dir/node_modules/.stamp"
  else
    echo "bootstrap: npm not found; the browser tests will fail" >&2
  fi
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap: installing Debian's chromium for the browser tests" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "bootstrap: /usr/bin/chromium is missing; the browser tests need it:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  fi
fi
