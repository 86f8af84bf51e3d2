# One-word tasks. `make install` builds .venv and runs the main job; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: install test test-slow test-all lint lock bench serve clean

$(STAMP): pyproject.toml constraints.txt scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

# the main job: validate the ledger, verify the review registry, then write the report (prices from
# ../shared/data/prices and FX from ../shared/data/fx when they are beside the checkout, else the
# store, else an online fetch when the network is reachable)
SHARED_PRICES := $(wildcard ../shared/data/prices)
SHARED_FX     := $(wildcard ../shared/data/fx)

install: $(STAMP)
	$(VENV)/bin/aiinfra ledger validate
	$(VENV)/bin/aiinfra index verify --registry reviews
	$(VENV)/bin/aiinfra $(if $(SHARED_PRICES),--prices $(SHARED_PRICES)) $(if $(SHARED_FX),--fx $(SHARED_FX)) report --out out/report.html

# the default run (under 10 minutes on an idle 2-core machine): everything but `slow` and `network`
test: $(STAMP)
	$(PY) -m pytest -q --durations=15 -m "not slow and not network"

# the slow suites (CI runs them after `make test` when its time allows; see .ci/run)
test-slow: $(STAMP)
	$(PY) -m pytest -q --durations=15 -m "slow and not network"

test-all: $(STAMP)  # every test, including those that need the network
	$(PY) -m pytest -q --durations=15 -m ""

# refresh constraints.txt from pyproject.toml's ranges (then run make test and commit it)
lock:
	bash scripts/lock.sh

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e ".[bench]"
	$(PY) bench/run.py
	$(PY) bench/index_bench.py --peers --repeat 5
	$(PY) bench/review_bench.py
	$(PY) bench/flows_bench.py
	$(PY) bench/gap_bench.py --repeat 3
	$(PY) bench/dashboard_bench.py
	$(PY) bench/readme_bench.py --repeat 3
	$(PY) bench/sweep_bench.py

serve: $(STAMP)
	$(VENV)/bin/aiinfra $(if $(SHARED_PRICES),--prices $(SHARED_PRICES)) serve

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
