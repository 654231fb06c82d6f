# Every target creates .venv on first use, so each is the one command a newcomer needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SHARED ?= ../shared

.PHONY: demo test check eval bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rolecall demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

check: $(STAMP)
	$(BIN)/ruff format --check bot watchers store tests benchmarks
	$(BIN)/ruff check bot watchers store tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# The development corpus, then our own labelled corpora (invented, with long features).
eval: $(STAMP)
	$(BIN)/python -m benchmarks.eval $(SHARED)/eval
	$(BIN)/python -m benchmarks.eval $(SHARED)/eval tests/fixtures/eval/own.jsonl
	$(BIN)/python -m benchmarks.eval $(SHARED)/eval tests/fixtures/eval/own2.jsonl
	$(BIN)/python -m benchmarks.eval $(SHARED)/eval tests/fixtures/eval/own3.jsonl
	$(BIN)/python -m benchmarks.eval $(SHARED)/eval tests/fixtures/eval/own4.jsonl
	$(BIN)/python -m benchmarks.eval $(SHARED)/eval tests/fixtures/eval/own5.jsonl

# QUICK=1: a one-minute run on a small corpus instead of the full table.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(if $(QUICK),--quick,)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
