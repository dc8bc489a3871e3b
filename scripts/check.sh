#!/usr/bin/env bash
# Lint and type-check (ruff, mypy --strict on api and graph).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check api graph tests bench tools
.venv/bin/ruff format --check api graph tests bench tools
.venv/bin/mypy
