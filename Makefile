# One task vocabulary for the README, CI and developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
ROWS ?= 10000000
export OBOROT_STORE ?= data/oborot.duckdb
# Arrow's C++ allocator: jemalloc gives a load's freed chunks back sooner than the
# default mimalloc (lower peak memory, same speed); read when pyarrow is first imported.
export ARROW_DEFAULT_MEMORY_POOL ?= jemalloc

.PHONY: run test lint bench demo deps dev-deps browser postgres shared-demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.deps $@

deps: $(VENV)/.deps
dev-deps: $(VENV)/.dev-deps

demo: deps  ## load the bundled demo data into the store when it is empty
	$(BIN)/python -m dashboard demo

run: demo  ## set up and open the dashboard on http://localhost:$(PORT)
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

browser:  ## Debian chromium for the browser tests (installed when missing and root)
	@sh scripts/ensure_chromium.sh

postgres:  ## Debian postgresql for the PostgreSQL engine's tests (installed when missing and root)
	@sh scripts/ensure_postgresql.sh

test: dev-deps browser postgres  ## set up and run the whole suite, on both store engines
	$(BIN)/python -m scripts.pg_cluster -- $(BIN)/python -m pytest -n 2 --dist loadgroup -q

shared-demo: deps postgres  ## PostgreSQL + two app instances (ports 8601, 8602), demo loaded while both serve
	PYTHON=$(BIN)/python bash scripts/shared_demo.sh

lint: dev-deps
	$(BIN)/ruff check .

bench: deps  ## benchmarks (not part of the suite): make bench ROWS=1000000
	$(BIN)/python -m bench --rows $(ROWS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
