"""Test helpers for merchandising: the merchandiser account, and waiting for online metrics to be written."""
from __future__ import annotations

from functools import cache

from shopgraph.webapp.security import hash_password

MERCHANDISER = {"email": "mia@example.com", "password": "Mia-sells-mugs-2024", "name": "Mia Merchant"}


@cache
def merchandiser_hash() -> str:
    return hash_password(MERCHANDISER["password"])


def flush(app) -> None:
    """Waits until the recommendation lists and clicks served so far are in the graph (the app writes them
    at once under test; this also covers an app configured with ONLINE_METRICS_SYNC off)."""
    assert app.extensions["online_metrics"].flush(), "the online metrics writer did not finish in time"
