"""The words of recommendation, defined once: the generators and the kinds of evidence (``because``).

Both are closed sets. Training, serving and the candidate queries use these names; the API's OpenAPI document
lists the evidence kinds as an enum and the shop says each in words (``webapp.recommender.describe``); a test
checks that every kind a query in ``cypher/`` returns is one of them. A strategy file
(``models.strategy_files``) must use them too.
"""
from __future__ import annotations

#: The candidate generators, each a family of recommender: what the hybrid blends and the multi ranker's features
#: are named after.
GENERATORS = ("popular", "trending", "content", "collaborative", "item_regression", "mf", "embedding")

#: A strategy file that says ``Candidate source: yes`` (``models.strategy_files``) feeds hybrid and multi as one
#: more generator, named ``file_<strategy>``: its blend weight, its ranker columns (``score_file_<strategy>``,
#: ``rank_file_<strategy>``). Open, unlike ``GENERATORS``: the files are the shop's own.
FILE_GENERATOR_PREFIX = "file_"


def file_generator(strategy: str) -> str:
    """The generator a candidate-source file feeds: ``file_<strategy>``."""
    return f"{FILE_GENERATOR_PREFIX}{strategy}"


def is_file_generator(name: str) -> bool:
    return name.startswith(FILE_GENERATOR_PREFIX)

#: Evidence kinds naming a product (``{"kind": ..., "product": id}``), with how the shop says them; the last three
#: name a group the product shares with one of the shopper's products.
PRODUCT_EVIDENCE = {
    "bought_with": "Bought with {product}",
    # the same trained neighbours where the seed's shoppers rated it rather than bought it (cypher/bought_with)
    "rated_with": "Rated highly by the people who rated {product}",
    "also_bought": "Shoppers who bought {product} also bought this",
    "similar_to": "Similar to {product}",
    "same_category": "Same category as {product}",
    "same_brand": "Same brand as {product}",
    "same_tag": "Shares a tag with {product}",
}
#: The same three kinds when they name the group (``category``, ``brand`` or ``tag``) rather than the product.
GROUP_EVIDENCE = {
    "same_category": "More in {category}",
    "same_brand": "More from {brand}",
    "same_tag": "Also tagged “{tag}”",
}
#: Evidence kinds that need nothing beside them (``rule`` names the merchandiser's rule for the last two).
PLAIN_EVIDENCE = {
    "trending": "Trending now",
    "popular": "Popular in the shop",
    "top_rated": "Top rated",
    "liked_by_similar_shoppers": "Liked by shoppers like you",
    "matches_your_taste": "Matches your taste",
    "pinned": "Featured",
    "boosted": "Featured",
}
EVIDENCE_KINDS = tuple(sorted({**PRODUCT_EVIDENCE, **GROUP_EVIDENCE, **PLAIN_EVIDENCE}))
