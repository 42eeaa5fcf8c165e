"""The generators and the evidence kinds are closed sets, defined once (models.vocabulary): every candidate query,
strategy file and served list keeps to them, the API document lists them, and the shop can say each in words."""
from __future__ import annotations

import re

import pytest

from shopgraph.graph.recommendations import SOURCES
from shopgraph.graph.settings import CYPHER_DIR
from shopgraph.models.serving import STRATEGIES
from shopgraph.models.vocabulary import EVIDENCE_KINDS, GENERATORS, GROUP_EVIDENCE, PLAIN_EVIDENCE, PRODUCT_EVIDENCE
from shopgraph.webapp.recommender import describe
from tests.models.shop_fixture import USERS

KIND = re.compile(r"kind:\s*'([a-z_]+)'")
#: Strings a query chooses in a CASE and returns as the kind through a variable named ``evidence``
#: (cypher/bought_with.cypher).
CHOSEN_KIND = re.compile(r"THEN\s+'([a-z_]+)'|ELSE\s+'([a-z_]+)'")


def evidence_queries():
    return ([CYPHER_DIR / f"{source}.cypher" for source in SOURCES]
            + sorted((CYPHER_DIR / "strategies").glob("*.cypher")))


@pytest.mark.parametrize("path", evidence_queries(), ids=lambda path: path.stem)
def test_every_kind_a_query_returns_is_in_the_vocabulary(path):
    text = path.read_text()
    kinds = set(KIND.findall(text))
    if re.search(r"kind:\s*evidence\b", text):
        kinds |= {kind for pair in CHOSEN_KIND.findall(text) for kind in pair if kind}
    assert kinds, f"{path.name} names no evidence kind"
    assert kinds <= set(EVIDENCE_KINDS), f"{path.name}: {sorted(kinds - set(EVIDENCE_KINDS))}"


def test_the_sources_feed_only_known_generators():
    assert set(SOURCES.values()) <= set(GENERATORS)


def test_the_shop_says_every_kind_in_words():
    names, categories = {"k1": "Red teapot"}, {"kitchen": "Kitchen"}
    for kind, words in PRODUCT_EVIDENCE.items():
        assert describe([{"kind": kind, "product": "k1"}], names, categories) == words.format(product="Red teapot")
    assert describe([{"kind": "same_category", "category": "kitchen"}], names, categories) == "More in Kitchen"
    assert describe([{"kind": "same_brand", "brand": "Acme"}], names, categories) == "More from Acme"
    assert describe([{"kind": "same_tag", "tag": "tea"}], names, categories) == "Also tagged “tea”"
    for kind, words in PLAIN_EVIDENCE.items():
        assert describe([{"kind": kind}], names, categories) == words
    assert set(GROUP_EVIDENCE) | set(PRODUCT_EVIDENCE) | set(PLAIN_EVIDENCE) == set(EVIDENCE_KINDS)


@pytest.mark.parametrize("strategy", STRATEGIES)
def test_every_list_served_keeps_to_the_vocabulary(tiny_shop, service, strategy):
    kinds = {reason["kind"] for user in USERS for item in service.recommend(user, 10, strategy)
             for reason in item.because}
    assert kinds and kinds <= set(EVIDENCE_KINDS), sorted(kinds - set(EVIDENCE_KINDS))
