# The same steps as .ci/run, for people who start from the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export SHOPGRAPH_DATA_DIR ?= $(abspath ../shared/data)

.PHONY: install demo test check bench lock system-packages clean

install: system-packages $(BIN)/shopgraph
	$(BIN)/shopgraph neo4j fetch

# Java, Maven and Chromium come from Debian; installed when missing and run as root.
system-packages:
	@missing=""; \
	command -v java >/dev/null || missing="$$missing openjdk-17-jdk-headless"; \
	command -v mvn >/dev/null || missing="$$missing maven"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	  else echo "missing:$$missing -- run: sudo apt-get install -y$$missing"; exit 1; fi; \
	fi

# Every package at the version and hashes requirements.lock names, then the project itself on top (editable).
$(BIN)/shopgraph: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check
	touch $@

# After changing a dependency in pyproject.toml: pin it and everything below it again, for Python 3.11 on Linux.
# Needs only uv (a dev dependency), so it also works while the venv still lacks what the new pyproject names.
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install -q "$$(grep -o 'uv==[0-9.]*' pyproject.toml)"; }
	$(BIN)/uv pip compile pyproject.toml --extra train --extra dev --python-version 3.11 --generate-hashes \
	  --custom-compile-command "make lock" --quiet -o requirements.lock

demo: install
	$(BIN)/shopgraph demo

test: install
	$(BIN)/pytest

# ruff, then mypy over the installed namespace: mypy cannot follow an editable install's import hook, so it reads
# the checkout through a tree of links shaped like the wheel (shopgraph/<folder> -> <folder>).
TYPECHECK := .shopgraph/typecheck
check: install
	$(BIN)/ruff check .
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/shopgraph
	for folder in bench cli cypher graph loaders models webapp; do ln -s $(CURDIR)/$$folder $(TYPECHECK)/shopgraph/$$folder; done
	MYPYPATH=$(TYPECHECK) $(BIN)/mypy -p shopgraph

bench: install
	$(BIN)/shopgraph bench

clean:
	-$(BIN)/shopgraph neo4j stop
	rm -rf $(VENV) .shopgraph artifacts reports test-artifacts
