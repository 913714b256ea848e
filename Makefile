# The two commands of the README: `make demo` and `make test`.
# Both create .venv and install skdeepfake into it on first use.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DOCS_STAMP := $(VENV)/.docs-stamp

.PHONY: demo test bench docs venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

## demo: compare the CNN, DNN and XGBoost pipelines on built-in synthetic speech
demo: $(STAMP)
	$(VENV)/bin/skdeepfake benchmark --epochs 20 --learning-rate 1e-3 --out demo-results

## test: lint and format check (ruff), then the whole test suite, doctests included
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest

## bench: speed benchmarks (not part of test)
bench: $(STAMP)
	$(PY) benchmarks/run_all.py

$(DOCS_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[test,docs]"
	touch $(DOCS_STAMP)

## docs: HTML documentation with the example gallery, warnings as errors
docs: $(DOCS_STAMP)
	rm -rf docs/_build docs/generated docs/auto_examples
	$(VENV)/bin/sphinx-build -W --keep-going -b html docs docs/_build/html
	@echo "Documentation: docs/_build/html/index.html"

clean:
	rm -rf $(VENV) demo-results benchmark-results .pytest_cache
