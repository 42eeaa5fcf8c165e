"""Shelf cards are refreshed behind the requests that show them: a shelf never waits for a card it has held."""
from __future__ import annotations

import threading
import time

import pytest

from shopgraph.webapp import shelf_cache
from shopgraph.webapp.app import close_app
from tests.webapp.shop import bearer
from tests.webapp.stall import PATIENCE, in_background

ASK = "/api/v1/recommendations?user_id=u-bob&k=12&strategy=popular"


@pytest.fixture
def quick_refresh(monkeypatch):
    monkeypatch.setattr(shelf_cache, "REFRESH_DELAY", 0.0)


def _names(client, token) -> dict[str, str]:
    items = client.get(ASK, headers=bearer(token)).get_json()["items"]
    return {item["product_id"]: item["product"]["name"] for item in items}


def _renamed(shop, product_id: str, name: str) -> None:
    shop.write("MATCH (p:Product {id: $id}) SET p.name = $name", id=product_id, name=name)


def test_an_old_card_is_shown_once_more_while_it_is_read_again_behind_the_shelf(app, shop, merchandiser_token,
                                                                                 quick_refresh):
    app.extensions["shelf_cache"] = shelf_cache.ShelfCache(ttl=0.3)
    client = app.test_client()
    product_id, name = next(iter(_names(client, merchandiser_token).items()))
    _renamed(shop, product_id, "Renamed lantern")

    assert _names(client, merchandiser_token)[product_id] == name  # within the TTL: the card as it was read
    time.sleep(0.35)
    assert _names(client, merchandiser_token)[product_id] == name  # old now: shown, and read again behind it
    deadline = time.monotonic() + 10
    while _names(client, merchandiser_token)[product_id] != "Renamed lantern":
        assert time.monotonic() < deadline, "the old card was never read again"
        time.sleep(0.05)


def test_a_card_the_refresh_cannot_read_stays_shown(app, shop, merchandiser_token, quick_refresh, monkeypatch):
    app.extensions["shelf_cache"] = cache = shelf_cache.ShelfCache(ttl=0.1)
    client = app.test_client()
    before = _names(client, merchandiser_token)
    refreshed = []

    def fails(self, product_ids):
        refreshed.append(product_ids)
        raise OSError("the graph is away")

    time.sleep(0.15)
    monkeypatch.setattr(shelf_cache.Catalog, "products", fails)
    assert _names(client, merchandiser_token) == before
    deadline = time.monotonic() + 10
    while not refreshed:
        assert time.monotonic() < deadline, "no refresh was tried"
        time.sleep(0.05)
    while cache._cards._refresher is not None:
        assert time.monotonic() < deadline, "the failed refresh never ended"
        time.sleep(0.05)
    assert _names(client, merchandiser_token) == before


def test_the_first_shelf_reads_the_other_cards_ahead_so_later_shelves_wait_for_none(app, shop, merchandiser_token,
                                                                                    quick_refresh, monkeypatch):
    app.extensions["shelf_cache"] = cache = shelf_cache.ShelfCache()
    client = app.test_client()
    requests = threading.get_ident()
    reads: list[tuple[bool, set[str]]] = []  # (read by the request itself, the ids read)
    read_cards = shelf_cache.Catalog.products
    monkeypatch.setattr(shelf_cache.Catalog, "products", lambda self, product_ids: (
        reads.append((threading.get_ident() == requests, set(product_ids))), read_cards(self, product_ids))[1])
    catalogue = {row["id"] for row in shop.read("MATCH (p:Product) RETURN p.id AS id")}

    shown = set(_names(client, merchandiser_token))
    assert any(by_request and ids >= shown for by_request, ids in reads)  # the first shelf waits for its cards
    deadline = time.monotonic() + 10
    while not any(not by_request and ids >= catalogue - shown for by_request, ids in reads) \
            or cache._cards._refresher is not None:
        assert time.monotonic() < deadline, f"the other cards were never read ahead: {reads}"
        time.sleep(0.05)

    reads.clear()
    other = client.get("/api/v1/recommendations?user_id=u-ada&k=12&strategy=popular",
                       headers=bearer(merchandiser_token)).get_json()["items"]
    assert {item["product_id"] for item in other} - shown  # Ada's shelf shows products Bob's did not
    assert reads == []


def test_closing_the_app_waits_for_the_read_ahead_in_flight_and_closes_the_driver_after_it(
        app, shop, merchandiser_token, quick_refresh, monkeypatch, caplog):
    app.extensions["shelf_cache"] = cache = shelf_cache.ShelfCache()
    reading, go_on = threading.Event(), threading.Event()
    read_ahead = shelf_cache.Catalog.shelf_products

    def stalled(self, limit):
        reading.set()
        assert go_on.wait(PATIENCE)
        return read_ahead(self, limit)

    monkeypatch.setattr(shelf_cache.Catalog, "shelf_products", stalled)
    assert _names(app.test_client(), merchandiser_token)
    assert reading.wait(PATIENCE)

    closing, outcome = in_background(lambda: close_app(app))
    closing.join(0.5)
    assert closing.is_alive(), "the driver was closed under the read ahead"
    go_on.set()
    closing.join(PATIENCE)
    assert outcome == [True]
    assert cache._cards._refresher is None
    assert "could not read" not in caplog.text  # the read in flight ended before the driver closed
