# Two commands on a fresh machine: `make demo` and `make test`.
# `make demo` installs what running vsgraph needs, nothing more; `make test` (and
# `make check`) also the dev tools, the offline Cypher linter, the browser-test driver,
# Chromium and promtool. Re-running either is cheap (scripts/bootstrap.sh keeps stamps).
.PHONY: demo test check bootstrap bootstrap-dev bench clean

demo: bootstrap
	.venv/bin/vsg serve --demo

test: bootstrap-dev
	scripts/test.sh

check: bootstrap-dev
	scripts/check.sh

bootstrap:
	scripts/bootstrap.sh

bootstrap-dev:
	scripts/bootstrap.sh --dev

bench: bootstrap
	.venv/bin/python bench/ingest.py
	@echo "More: bench/metrics.py and bench/analysis.py (see bench/README.md)"

clean:
	rm -rf .venv .vsg-data tools/cypher-lint/node_modules tools/browser/node_modules tests/artifacts
