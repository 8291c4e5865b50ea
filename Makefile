# The two commands of the README: `make report` and `make test`.
# Each creates .venv with python3 when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup report test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

report: setup
	$(BIN)/gongkai build data/raw data/processed

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python benchmarks/bench_parse.py

clean:
	rm -rf data/processed/*.parquet data/processed/*.csv reports
