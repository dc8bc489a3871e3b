# Two commands on a fresh machine: `make demo` and `make test`.
# Each bootstraps its own virtualenv (and the offline Cypher linter) first.
.PHONY: demo test check bootstrap bench clean

demo: bootstrap
	.venv/bin/vsg serve --demo

test: bootstrap
	scripts/test.sh

check: bootstrap
	scripts/check.sh

bootstrap:
	scripts/bootstrap.sh

bench: bootstrap
	.venv/bin/python bench/ingest.py
	@echo "More: bench/metrics.py and bench/analysis.py (see bench/README.md)"

clean:
	rm -rf .venv .vsg-data tools/cypher-lint/node_modules tools/browser/node_modules tests/artifacts
