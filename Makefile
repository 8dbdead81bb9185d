# Two entry points for a fresh machine: `make demo` and `make test`.
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | md5sum | cut -c1-8)

.PHONY: demo test setup

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --constraint constraints.txt --editable '.[test]'
	rm -f $(VENV)/.installed-* && touch $@

demo: $(STAMP)
	$(VENV)/bin/oversight demo

test: $(STAMP)
	$(VENV)/bin/ruff check .
	scripts/with-postgres scripts/with-chromium $(VENV)/bin/pytest
