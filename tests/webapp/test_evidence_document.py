"""The API document lists the evidence kinds (models.vocabulary) a recommendation's ``because`` may name."""
from __future__ import annotations

from shopgraph.models.vocabulary import EVIDENCE_KINDS


def test_the_api_document_lists_the_evidence_kinds(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["schemas"]["Because"]["properties"]["kind"]["enum"] == list(EVIDENCE_KINDS)
