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
