"""How much of a folded list comes from what the shopper just did (``models.fresh_feedback``), chosen per shop.

Folding mixes the stored ranking with the candidates walked from a shopper's fresh products, the fresh side
weighing ``share``. What share serves a shop best depends on the shop: where one purchase says a lot about the
next (a wholesaler restocking what goes together) the fresh walks deserve much; where the stored ranking already
knows a shopper well (a film lover with a hundred ratings) one more act should move it little. So training
replays the fold on its validation split: each validation shopper with two held-out products or more acts with
the earliest of them; their stored list is the tuned blend's ranking before that period (the ranking training
weighs the diversity cap on too); the fresh candidates are the act's trained neighbours, its strongest
co-interactions (``bought_with``) and its most similar products (``similar_products``), as the state read walks
them; and each share in ``SHARES`` is scored by NDCG@10 on what the shopper took after the act. The best share
wins; one within ``models.tuning.MARGIN`` of it that is larger wins instead, as the more responsive list at the
same quality. The choice and every figure go into ``metadata.json`` (``"fold"``); serving reads the share there.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from shopgraph.graph.recommendations import Candidate
from shopgraph.models import metrics
from shopgraph.models.fresh_feedback import FRESH_SHARE, fold, fresh_pool
from shopgraph.models.rules import Ranked
from shopgraph.models.serving import STORED_SIZE
from shopgraph.models.splits import first_held_out
from shopgraph.models.tuning import MARGIN

#: The shares training weighs: every one lets an act move the list, none hands it over entirely.
SHARES = (0.05, 0.1, 0.2, 0.3, 0.5)


def choose_fresh_share(scores: np.ndarray, users: np.ndarray, held_out: dict[int, set[int]], events: pd.DataFrame,
                       bought_with: tuple[np.ndarray, np.ndarray] | None,
                       similar: tuple[np.ndarray, np.ndarray] | None, k: int = 10) -> dict[str, Any]:
    """The share to fold with, and every share's validation NDCG@k (module docstring).

    ``scores`` is ``users`` x products (taken products at -inf); ``held_out`` what each user took in the
    validation period; ``events`` the interactions (``user``, ``product``, ``timestamp``) that say which came
    first; ``bought_with`` and ``similar`` the trained neighbours, (indices, scores) per product (None: untrained).
    Without a shopper to replay, the share stays ``FRESH_SHARE``.
    """
    first = first_held_out(events, {int(user): held_out.get(int(user), set()) for user in users})
    acts = dict(zip(first["user"].tolist(), first["product"].tolist(), strict=True))
    rows = [i for i, user in enumerate(users.tolist()) if user in acts]
    if not rows:
        return {"fresh_share": FRESH_SHARE, "validation_shoppers": 0}
    n = min(STORED_SIZE, scores.shape[1])
    replays = []
    for i in rows:
        user = int(users[i])
        act = acts[user]
        top = [p for p in np.argsort(-scores[i], kind="stable")[:n] if np.isfinite(scores[i, p])]
        stored = [Ranked(str(p), float(scores[i, p]), []) for p in top]
        taken = {str(p) for p in np.flatnonzero(~np.isfinite(scores[i]))} | {str(act)}
        pool = fresh_pool(tuple(_neighbours("bought_with", bought_with, act) + _neighbours("similar_products",
                                                                                              similar, act)))
        replays.append((stored, pool, taken, held_out[user] - {act}))

    def ndcg(share: float) -> float:
        return float(np.mean([metrics.ndcg_at_k([int(item.product_id) for item in fold(stored, pool, taken, 1, share)],
                                                target, k) for stored, pool, taken, target in replays]))

    figures = {str(share): round(ndcg(share), 5) for share in SHARES}
    best = max(figures.values())
    chosen = max(share for share in SHARES if figures[str(share)] >= best * (1.0 - MARGIN))
    return {"fresh_share": chosen, "validation_ndcg": figures, "validation_shoppers": len(replays),
            "unfolded_ndcg": round(ndcg(0.0), 5)}


#: The evidence each walk names (as cypher/bought_with.cypher and cypher/similar_products.cypher do).
_KINDS = {"bought_with": "bought_with", "similar_products": "similar_to"}


def _neighbours(source: str, trained: tuple[np.ndarray, np.ndarray] | None, product: int) -> list[Candidate]:
    """The product's trained neighbours as the state read returns them: rows of ``source``."""
    if trained is None:
        return []
    indices, scores = trained
    return [Candidate(source, str(int(other)), float(score), {"kind": _KINDS[source], "product": str(product)})
            for other, score in zip(indices[product], scores[product], strict=True) if other >= 0 and score > 0]
