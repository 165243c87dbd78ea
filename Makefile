# `make run` and `make test` are the two commands a newcomer needs (see README).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test check lint bench eval vectors clean postgres

# pip's own lines, filtered to what it is fetching and installing (its exit status kept);
# setuptools' notice about editable installs is not for the person running `make run`.
PIP_INSTALL = { PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install \
  --progress-bar off $(1) 2>&1; echo $$? > $(VENV)/.pip-status; } | \
  grep -E --line-buffered '^(Collecting|Installing collected|Successfully installed|ERROR|error)'; \
  exit $$(cat $(VENV)/.pip-status)

$(BIN)/python:
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	@echo "Installing the bot and its libraries into $(VENV) (a minute or two the first time)"
	@$(call PIP_INSTALL,-e .)
	@touch $@
	@echo "Installed: $(BIN)/meta-bot (the same as $(BIN)/python -m bot)"

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	@echo "Installing the bot, its libraries and the test tools into $(VENV)"
	@$(call PIP_INSTALL,-e '.[dev]')
	@touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/python -m bot run

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# The static checks: lint, format, the import contracts (layers, where platform libraries may
# be imported) and the types; `make test` runs them before the tests.
check: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# The tests run in parallel, one file per worker at a time (pytest-xdist): two workers a core,
# at most 4, as the process tests spend most of their time waiting on the bot. (On 2 cores:
# 3 min 32 s with 4 workers, 4 min 58 s with 2.)
TEST_WORKERS ?= $(shell n=$$(( $$(nproc 2>/dev/null || echo 1) * 2 )); [ $$n -gt 4 ] && n=4; echo $$n)

test: check postgres
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not tuning"

# The eval's development part (1136 questions, about twenty seconds), the set thresholds are tuned on:
# for calibration rounds, outside `make test` to keep it under five minutes.
eval: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -m tuning -s tests/test_eval.py

# Everything but the tests that spawn bot processes, need PostgreSQL or take seconds each
# (markers in pyproject.toml): under a minute, for the edit-test loop. `make test` runs them all.
.PHONY: test-fast
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not process and not postgres and not slow and not tuning"

# The PostgreSQL tests start their own server on loopback; this only makes sure the binaries
# are there (installed from the system's packages when we are root with apt-get).
postgres:
	@ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null 2>&1 || \
	  { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	    echo "installing PostgreSQL for the tests (apt-get)" && \
	    apt-get update -qq >/dev/null && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || \
	  echo "note: PostgreSQL is not installed and could not be: its tests will be skipped"

bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench

# The bundled articles' vectors shipped in the package: rerun after changing briefings/articles/
vectors: $(VENV)/.installed-dev
	$(BIN)/python -m briefings.knowledge.shipped

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
