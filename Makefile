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

# Parse data/raw, audit it, render one notebook per region and the overview into reports/.
report: setup
	$(BIN)/gongkai build data/raw data/processed
	$(BIN)/gongkai audit --all --jobs 2

# Lint, unit/property/end-to-end tests, then the notebooks against the freshly built sample data.
test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/gongkai build data/raw data/processed
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks/

bench: setup
	$(BIN)/python benchmarks/bench_parse.py --tables
	$(BIN)/python benchmarks/bench_render.py
	$(BIN)/python benchmarks/bench_build.py --n 1000 --jobs 1 2

clean:
	rm -rf data/processed/*.parquet data/processed/*.csv reports
