# syntax=docker/dockerfile:1
# ShopGraph's image: the shop, the API, the `shopgraph` command line and the bench, installed from the wheel (no
# source tree in it). Neo4j runs in a container of its own (docker-compose.yml).
#   docker build -t shopgraph .                         the app (the last stage)
#   docker build --target bench -t shopgraph-bench .    the app plus Java and the Neo4j jars `shopgraph bench` needs
#                                                       to start the scratch Neo4j it measures
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# -- 1. the wheel, and the part of the lock the image installs --------------------------------------------------------
FROM ${PYTHON_IMAGE} AS wheel
WORKDIR /src
# .dockerignore lets in only what the wheel is built from.
COPY . .
# requirements.lock holds the train and dev extras too: the image takes the wheel's dependencies, train (TensorFlow,
# for `shopgraph train`) and the dev packages `shopgraph` commands import (Locust and gevent for the bench, implicit
# for `shopgraph evaluate`), with everything they need and nothing the tests alone use (docker/runtime_requirements.py).
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist . \
 && python docker/runtime_requirements.py requirements.lock pyproject.toml > /dist/runtime.lock

# -- 2. the Neo4j jars the bench's scratch server runs on: Maven fetches them, the image needs only Java to run them --
FROM maven:3.9-eclipse-temurin-17 AS neo4j-jars
COPY graph/neo4j-runtime.pom.xml /neo4j/pom.xml
# `.complete` holding the POM tells `shopgraph` (graph/server.py) the jars are those of the POM it ships.
RUN mvn -q -B -f /neo4j/pom.xml dependency:copy-dependencies -DoutputDirectory=/neo4j-lib \
 && cp /neo4j/pom.xml /neo4j-lib/.complete

# -- 3. the locked dependencies, then the wheel on top of them ---------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SHOPGRAPH_HOME=/var/lib/shopgraph
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
# Every package at the version and hashes the lock names, so the image runs what the tests ran; then the wheel
# alone (--no-deps: its dependencies are the ones just installed), and pip check that nothing is missing.
RUN --mount=type=bind,from=wheel,source=/dist,target=/dist \
    pip install --require-hashes -r /dist/runtime.lock \
 && pip install --no-deps /dist/shopgraph-*.whl \
 && pip check
RUN useradd --create-home --uid 10001 shop && mkdir -p /var/lib/shopgraph && chown shop /var/lib/shopgraph
WORKDIR /var/lib/shopgraph

# -- 4. the bench: `docker run --rm shopgraph-bench shopgraph bench --quick` ------------------------------------------
FROM runtime AS bench
RUN mkdir -p /usr/share/man/man1 \
 && apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/*
COPY --from=neo4j-jars --chown=shop /neo4j-lib /var/lib/shopgraph/neo4j-lib
USER shop
CMD ["shopgraph", "bench", "--quick"]

# -- 5. the app (the default target) ------------------------------------------------------------------------------------
FROM runtime AS app
USER shop
EXPOSE 8000
# Liveness only: an orchestrator restarts an unhealthy container, and a restart mends neither a database outage
# nor an untrained shop (docker-compose.yml's healthcheck asks for readiness instead).
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD curl -fsS http://127.0.0.1:8000/api/v1/health/live || exit 1
CMD ["shopgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
