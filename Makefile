PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
EXTRAS := embedded,gateway,auth,executor
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test setup docs clean

run: $(STAMP)
	$(PY) -m borgui run

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(STAMP)

# One install step for running and testing: the dev extra is small next to the rest, and a single
# stamp keeps `make run` after `make test` (or the reverse) from reinstalling anything.
$(STAMP):
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[$(EXTRAS),dev]"
	rm -f $(VENV)/.installed-*
	touch $@

docs: $(STAMP)
	$(PY) -m libs.contracts.docs

clean:
	rm -rf $(VENV) .pytest_cache
