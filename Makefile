PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types pytest clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/uvicorn examples.showcase.app:app --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check lette_fp tests properties examples benchmarks

types: $(STAMP)
	$(BIN)/mypy --strict lette_fp

pytest: $(STAMP)
	$(BIN)/python -m pytest tests properties

test: lint types pytest

clean:
	rm -rf $(VENV) build .mypy_cache .ruff_cache

# ---- benchmarks (benchmarks/, docs/performance.md): BENCH_QUICK=1 for a smoke run ----
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): pyproject.toml benchmarks/requirements.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install -q --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install -q -r benchmarks/requirements.txt
	$(BENCH_VENV)/bin/python -m pip install -q -e .
	touch $(BENCH_STAMP)

.PHONY: bench
bench: $(BENCH_STAMP)
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q wrk; }
	$(BENCH_VENV)/bin/python benchmarks/run.py
