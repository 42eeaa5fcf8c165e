# The ShopGraph app (shop, API, command line) for docker-compose.yml; Neo4j runs in its own container.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    SHOPGRAPH_HOME=/var/lib/shopgraph SHOPGRAPH_ARTIFACTS=/var/lib/shopgraph/artifacts
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY graph graph
COPY loaders loaders
COPY models models
COPY webapp webapp
COPY cypher cypher
RUN pip install -e ".[train]" && useradd --create-home shop && mkdir -p /var/lib/shopgraph \
    && chown shop /var/lib/shopgraph
USER shop

EXPOSE 8000
# Liveness only: an orchestrator restarts an unhealthy container, and a restart mends neither a database outage
# nor an untrained shop (docker-compose.yml's healthcheck asks for readiness instead).
HEALTHCHECK --interval=15s --timeout=5s --retries=5 CMD curl -fsS http://127.0.0.1:8000/api/v1/health/live || exit 1
CMD ["shopgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
