PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# $(call debian_package,PACKAGE,CHECK): install Debian's PACKAGE (sudo unless root) when CHECK fails
debian_package = @$(2) >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; $$SUDO apt-get update -q && $$SUDO apt-get install -y -q $(1); }

.PHONY: run test lint types pytest docs e2e clean redis-server

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/uvicorn examples.showcase.app:app --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check lette_fp tests properties examples benchmarks e2e

types: $(STAMP)
	$(BIN)/mypy --strict lette_fp

# redis-server (Debian) is what the channels tests start on a random port; installed when missing
redis-server:
	$(call debian_package,redis-server,command -v redis-server)

pytest: $(STAMP) redis-server
	$(BIN)/python -m pytest tests properties

test: lint types pytest

docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

# ---- browser tests (e2e/): Debian's chromium driven by playwright; screenshots in build/screenshots ----
E2E_STAMP := $(VENV)/.e2e-installed

$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,e2e]'
	touch $(E2E_STAMP)

e2e: $(E2E_STAMP) redis-server
	$(call debian_package,chromium,test -x /usr/bin/chromium)
	$(BIN)/python -m pytest e2e

clean:
	rm -rf $(VENV) build site .mypy_cache .ruff_cache

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
	$(call debian_package,wrk,command -v wrk)
	$(BENCH_VENV)/bin/python benchmarks/run.py

# ---- soak (benchmarks/soak.py, docs/reliability.md): 100,000 requests then 3,000 hang-ups; SOAK_QUICK=1 for a smoke run ----
.PHONY: soak
soak: $(BENCH_STAMP)
	$(call debian_package,wrk,command -v wrk)
	$(BENCH_VENV)/bin/python benchmarks/soak.py
