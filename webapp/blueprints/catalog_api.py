"""The integrator's writes under /api/v1: products and shoppers, created or replaced with PUT and removed with
DELETE, with an API token (integration or merchandiser) or a merchandiser's session.

Both verbs are idempotent by nature: a repeated PUT leaves the same product or shopper and gives the same answer, a
repeated DELETE finds nothing more to remove and answers 204 again. What a DELETE keeps and removes is said in
``cypher/retire_product.cypher`` and ``cypher/erase_shopper.cypher``. A product written here is recommendable at
once (``graph.catalog_writes``); this process's shelf card for it is put right at once (and on DELETE its cached
lists too), the other processes' within ``webapp.shelf_cache.TTL``.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from shopgraph.graph.catalog import Catalog
from shopgraph.graph.catalog_writes import CatalogWrites, UnknownCategories, product_fields
from shopgraph.graph.users import EmailTaken, NotAShopper, Users
from shopgraph.webapp import recommender
from shopgraph.webapp.api_args import check_id_value
from shopgraph.webapp.blueprints import flask_app
from shopgraph.webapp.blueprints.api import product_json, product_urls
from shopgraph.webapp.errors import ApiError
from shopgraph.webapp.neo4j_ext import graph
from shopgraph.webapp.security import require_api_caller
from shopgraph.webapp.write_bodies import product_body, shopper_body

blueprint = Blueprint("catalog_api", __name__)
blueprint.record_once(lambda state: recommender.init_app(flask_app(state)))

#: Who may write the catalogue and shopper accounts: feeds (integration tokens) and merchandisers.
WRITER_ROLES = ("integration", "merchandiser")


@blueprint.put("/products/<product_id>")
def put_product(product_id: str):
    require_api_caller(*WRITER_ROLES)
    product_id = check_id_value(product_id, "product_id")
    fields = product_fields(product_body(request.get_json(silent=True)))
    try:
        CatalogWrites(graph()).put_product(product_id, fields)
    except UnknownCategories as unknown:
        position = unknown.positions[0]
        raise ApiError(404, "not_found", f"There is no category {unknown.ids[0]!r}.",
                       f"categories[{position}]") from None
    catalog = Catalog(graph())
    current_app.extensions["shelf_cache"].put_product(catalog, product_id)
    product = catalog.product(product_id)
    if product is None:  # only a DELETE landing between the write and this read leaves none
        raise ApiError(404, "not_found", f"There is no product {product_id!r}: it was deleted while it was written.",
                       "product_id")
    return jsonify(product_json(product, product_urls()))


@blueprint.delete("/products/<product_id>")
def delete_product(product_id: str):
    require_api_caller(*WRITER_ROLES)
    product_id = check_id_value(product_id, "product_id")
    if CatalogWrites(graph()).retire_product(product_id):
        current_app.extensions["shelf_cache"].forget_product(product_id)
        recommender.service().forget_product(product_id)
    return "", 204


@blueprint.put("/shoppers/<user_id>")
def put_shopper(user_id: str):
    require_api_caller(*WRITER_ROLES)
    user_id = check_id_value(user_id, "user_id")
    body = shopper_body(request.get_json(silent=True))
    try:
        account, _ = Users(graph()).put_shopper(user_id, body["name"], body["email"])
    except EmailTaken:
        raise ApiError(409, "email_taken", "Another account uses this email address.", "email") from None
    except NotAShopper:
        raise _not_a_shopper(user_id) from None
    return jsonify(_shopper_json(account))


@blueprint.delete("/shoppers/<user_id>")
def delete_shopper(user_id: str):
    require_api_caller(*WRITER_ROLES)
    user_id = check_id_value(user_id, "user_id")
    try:
        Users(graph()).erase_shopper(user_id)
    except NotAShopper:
        raise _not_a_shopper(user_id) from None
    recommender.forget(user_id)
    return "", 204


def _not_a_shopper(user_id: str) -> ApiError:
    return ApiError(409, "not_a_shopper", f"The account {user_id!r} is not a shopper's; manage it in the shop.",
                    "user_id")


def _shopper_json(account: dict[str, Any]) -> dict[str, Any]:
    created = account.get("createdAt")
    return {"id": account["id"], "name": account.get("name"), "email": account.get("email"),
            "canSignIn": bool(account.get("canSignIn")),
            "createdAt": created.isoformat() if isinstance(created, (datetime, date)) else created}
