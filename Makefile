# The two commands of the README: `make demo` and `make test`.
# Both create .venv on first use; the demo installs skdeepfake alone, the
# tests add the test extra (PyTorch, JAX, transformers, Dask, ruff...).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BASE_STAMP := $(VENV)/.base-stamp
TEST_STAMP := $(VENV)/.test-stamp
DOCS_STAMP := $(VENV)/.docs-stamp
# Two test processes: the CI machines and most laptops have two cores or more.
# Tests of one file stay in one process (some share fitted models).
PYTEST_JOBS ?= 2
# uv where it installs, else pip (scripts/install.sh says why and what it passes on).
INSTALL = sh scripts/install.sh $(VENV)

.PHONY: demo test bench docs dev venv clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The demo trains the DNN and CNN too, so it installs the TensorFlow extra.
$(BASE_STAMP): pyproject.toml | $(PY)
	$(INSTALL) -e ".[tensorflow]"
	touch $(BASE_STAMP)

$(TEST_STAMP): pyproject.toml | $(PY)
	$(INSTALL) -e ".[test]"
	touch $(BASE_STAMP) $(TEST_STAMP)

venv: $(BASE_STAMP)

## dev: one install of the test and docs extras (what CI and contributors need; one resolve, not two)
dev: | $(PY)
	$(INSTALL) -e ".[test,docs]"
	touch $(BASE_STAMP) $(TEST_STAMP) $(DOCS_STAMP)

## demo: compare the linear, XGBoost, DNN and CNN detectors on built-in synthetic speech
demo: $(BASE_STAMP)
	$(VENV)/bin/skdeepfake benchmark --epochs 20 --learning-rate 1e-3 --out demo-results

## test: lint and format check (ruff), then the whole test suite, doctests included
test: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n $(PYTEST_JOBS) --dist loadfile

## bench: speed and memory benchmarks (not part of test)
bench: $(BASE_STAMP)
	$(PY) benchmarks/run_all.py

$(DOCS_STAMP): pyproject.toml | $(PY)
	$(INSTALL) -e ".[tensorflow,docs]"
	touch $(BASE_STAMP) $(DOCS_STAMP)

## docs: HTML documentation with the example gallery (two examples at a time), warnings as errors
docs: $(DOCS_STAMP)
	rm -rf docs/_build docs/generated docs/auto_examples
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html
	@echo "Documentation: docs/_build/html/index.html"

clean:
	rm -rf $(VENV) demo-results benchmark-results .pytest_cache
