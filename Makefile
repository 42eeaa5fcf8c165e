# The same steps as .ci/run, for people who start from the README.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export SHOPGRAPH_DATA_DIR ?= $(abspath ../shared/data)

.PHONY: install demo test bench system-packages clean

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

$(BIN)/shopgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[train,dev]"
	touch $@

demo: install
	$(BIN)/shopgraph demo

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/shopgraph bench

clean:
	-$(BIN)/shopgraph neo4j stop
	rm -rf $(VENV) .shopgraph artifacts reports test-artifacts
