#!/usr/bin/env bash
# The whole suite, as CI runs it: static checks, then every test tier.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/check.sh
exec .venv/bin/python -m pytest "$@"
