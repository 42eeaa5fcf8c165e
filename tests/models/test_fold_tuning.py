"""Training chooses how much of a folded list comes from a shopper's fresh products, by replaying the fold on its
validation split: much where an act's neighbours say what comes next, little where the stored ranking knew it."""
from __future__ import annotations

import numpy as np
import pandas as pd

from shopgraph.models.fold_tuning import SHARES, choose_fresh_share
from shopgraph.models.splits import first_held_out

PRODUCTS = 60
USERS = np.arange(4)


def shop(stored_knows: bool):
    """Four validation shoppers; each took product 10 + u first (the act) and 40 + u after it. The stored
    ranking puts what they took after at the top (``stored_knows``) or out of the first ten; the act's trained
    neighbours are that product, or unrelated ones."""
    scores = np.tile(np.linspace(1.0, 0.1, PRODUCTS), (len(USERS), 1))
    held_out = {int(u): {10 + int(u), 40 + int(u)} for u in USERS}
    events = pd.DataFrame({
        "user": np.repeat(USERS, 2), "product": [p for u in USERS for p in (10 + u, 40 + u)],
        "timestamp": pd.to_datetime(["2024-01-01", "2024-01-02"] * len(USERS))})
    indices = np.full((PRODUCTS, 20), -1)
    weights = np.zeros((PRODUCTS, 20))
    for u in USERS:
        after = 40 + u
        if stored_knows:
            scores[u, after] = 2.0
            indices[10 + u, :5] = [20, 21, 22, 23, 24]
        else:
            scores[u, after] = 0.0
            indices[10 + u, 0] = after
        weights[10 + u] = np.where(indices[10 + u] >= 0, 1.0, 0.0)
        scores[u, 0] = -np.inf  # a product the shopper took before
    return scores, held_out, events, (indices, weights)


def test_an_act_whose_neighbours_say_what_comes_next_gets_the_largest_share():
    scores, held_out, events, bought_with = shop(stored_knows=False)

    chosen = choose_fresh_share(scores, USERS, held_out, events, bought_with, None)

    assert chosen["fresh_share"] == max(SHARES) and chosen["validation_shoppers"] == len(USERS)
    assert chosen["validation_ndcg"][str(max(SHARES))] > chosen["unfolded_ndcg"]


def test_a_stored_ranking_that_knew_what_comes_next_keeps_a_share_that_leaves_it_on_top():
    scores, held_out, events, bought_with = shop(stored_knows=True)

    chosen = choose_fresh_share(scores, USERS, held_out, events, bought_with, None)

    figures = chosen["validation_ndcg"]
    assert figures[str(max(SHARES))] < figures[str(min(SHARES))] == chosen["unfolded_ndcg"] == 1.0
    # up to 0.3 the unrelated neighbours stay below the stored top: of the shares that tie, the most responsive
    assert chosen["fresh_share"] == 0.3 and figures["0.3"] == 1.0


def test_the_act_is_the_held_out_product_taken_first_and_needs_a_second_to_score():
    events = pd.DataFrame({"user": [0, 0, 1], "product": [5, 3, 7],
                           "timestamp": pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-01"])})

    first = first_held_out(events, {0: {3, 5}, 1: {7}})

    assert dict(zip(first["user"], first["product"], strict=True)) == {0: 3}
