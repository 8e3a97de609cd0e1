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
