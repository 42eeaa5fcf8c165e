"""Generator settings chosen per shop, on the shop's own validation split.

Matrix factorisation and the collaborative generator want different settings on different shops: a wholesale
shop's sparse baskets like a small, lightly regularised factor model; a film shop's dense ratings a wider,
more regularised one, and more weight on similar shoppers. A shop cannot be asked to know this, so training
fits each candidate in ``CANDIDATES`` on the data before the validation period, keeps the one with the best
validation NDCG@10 (by more than ``MARGIN``), and records every figure. ``shopgraph train`` and ``shopgraph
evaluate`` both choose this way, so the models scored in memory and the models the shop serves are the same models.

Only settings whose effect the served lists keep are weighed. EASE weights as the collaborative generator's
product neighbours won on validation in memory and lost as served: the multi ranker learnt to trust
collaborative scores that the graph walk over the published neighbours does not reproduce. Such weights now
have a generator of their own, ``item_regression``, trained in the very shape the graph walks.
"""
from __future__ import annotations

from typing import Any

from shopgraph.models.base import Recommender
from shopgraph.models.generators import GENERATORS, fit_generators
from shopgraph.models.splits import Split

#: A candidate replaces the settings before it only when its validation NDCG@10 is this much (relative) higher: a
#: smaller difference is the validation split's noise, and the settings listed first are the cheaper ones.
MARGIN = 0.005
#: Settings weighed per generator, the generator's defaults first (a tie keeps them).
CANDIDATES: dict[str, tuple[dict[str, Any], ...]] = {
    "mf": ({}, {"factors": 128, "l2": 20.0, "unobserved_weight": 0.3, "steps": 300}),
    "collaborative": ({}, {"user_share": 0.7}),
    # Denser data wants more regularisation, and a film shop's dense histories more neighbours per product: on the
    # MovieLens validation split 100, 200, 400 and all of them scored 0.2636, 0.2689, 0.2728 and 0.2741 (each
    # doubling doubles the PREDICTS edges a shopper's walk reads).
    "item_regression": ({}, {"l2": 50.0}, {"l2": 1000.0}, {"neighbours": 200}, {"neighbours": 400}),
}


def fit_and_choose(split: Split, seed: int, names: tuple[str, ...] = GENERATORS,
                   fixed: dict[str, dict[str, Any]] | None = None
                   ) -> tuple[dict[str, Recommender], dict[str, dict[str, Any]], dict[str, Any]]:
    """Every generator in ``names`` fitted on ``split.train`` with its best candidate settings.

    Returns the fitted generators (what hybrid and multi then tune on), the chosen settings per generator
    (what the shop's models are then fitted with) and a report of every candidate's validation NDCG@10.
    A generator named in ``fixed`` keeps those settings and is not weighed.
    """
    from shopgraph.models.evaluation import measure

    fixed = fixed or {}
    fitted: dict[str, Recommender] = {}
    chosen: dict[str, dict[str, Any]] = {}
    report: dict[str, Any] = {}
    for name in names:
        candidates = (fixed[name],) if name in fixed else CANDIDATES.get(name, ({},))
        best_ndcg = -1.0
        figures = []
        for params in candidates:
            model = fit_generators(split.train, seed, {name: params}, names=(name,))[name]
            ndcg = measure(model, split, ("ndcg@10",))["ndcg@10"] if len(candidates) > 1 else None
            figures.append({"params": params, "validation_ndcg": ndcg})
            if ndcg is None or ndcg > best_ndcg * (1 + MARGIN):
                best_ndcg, fitted[name], chosen[name] = (ndcg or 0.0), model, params
        if len(candidates) > 1:
            report[name] = {"chosen": chosen[name], "candidates": figures}
    return fitted, chosen, report
