"""How much category diversity a shop's lists get: the cap of ``models.rules.diversify``, chosen per shop.

A cap of three products per category in the first ten places reads well on a catalogue of many narrow
categories and costs a great deal on one of a few broad ones (films in a handful of genres). So training
chooses the cap on its validation split: the tightest cap whose lists keep at least ``1 - tolerance`` of
the uncapped lists' NDCG@10. The choice and every cap's figure go into the version's ``metadata.json``
(``"diversity"``); serving reads the cap from there. ``SHOPGRAPH_DIVERSITY_CAP`` overrides it per shop:
``auto`` (the default: training's choice), ``off``, or a number of products.
"""
from __future__ import annotations

from typing import Any, Literal

import numpy as np
import scipy.sparse as sp

from shopgraph.graph.config import SettingsError, current
from shopgraph.models import metrics
from shopgraph.models.rules import DIVERSITY_WINDOW, Ranked, diversify

#: The caps training weighs, tightest first.
CAPS = (1, 2, 3, 4, 5)
#: The share of validation NDCG@10 a cap may cost (``SHOPGRAPH_DIVERSITY_TOLERANCE`` overrides it).
DEFAULT_TOLERANCE = 0.01
#: Candidates per validation shopper that the cap reorders (more than enough to refill ten places).
CANDIDATES = 50


#: ``SHOPGRAPH_DIVERSITY_CAP`` or ``SHOPGRAPH_DIVERSITY_TOLERANCE`` holds something unusable: the settings' error
#: (``graph.config``), whose message names each variable at fault and what it expects.
DiversitySettingError = SettingsError


def tolerance_setting() -> float:
    """The shop's ``SHOPGRAPH_DIVERSITY_TOLERANCE`` (``DEFAULT_TOLERANCE`` when unset)."""
    return current().diversity_tolerance


def cap_setting() -> int | None | Literal["auto"]:
    """The shop's setting: ``"auto"``, None (``off``) or a cap."""
    cap = current().diversity_cap
    if isinstance(cap, str):  # the only word the setting's parser gives is "auto"
        return "auto"
    return cap


def serving_cap(setting: int | None | Literal["auto"], metadata: dict[str, Any] | None) -> int | None:
    """The cap lists are served with: the shop's ``setting`` (``cap_setting()``), or with ``auto`` what the
    live version's training chose (None, no cap, when it chose none; the old fixed cap for a version that
    predates the choice)."""
    if setting != "auto":
        return setting
    chosen = (metadata or {}).get("diversity")
    if not chosen:
        from shopgraph.models.rules import DIVERSITY_CAP

        return DIVERSITY_CAP
    return chosen.get("cap")


def category_keys(catalog) -> np.ndarray:
    """Each catalogue product's category as the cap counts it: its leaf category's path (one per leaf, as
    serving counts leaf category ids); None for an uncategorised product."""
    return np.array([path.split(" | ")[0] or None for path in catalog["categoryPath"]], dtype=object)


def choose_cap(scores: np.ndarray, relevant: sp.csr_matrix, categories: np.ndarray,
               tolerance: float | None = None, k: int = 10) -> dict[str, Any]:
    """The tightest cap in ``CAPS`` that keeps ``1 - tolerance`` of the uncapped NDCG@k, with every figure.

    ``scores`` is validation shoppers x products (taken products at -inf), ``relevant`` the products each
    took in the validation period, ``categories`` each product's category key (None: uncategorised).
    """
    tolerance = tolerance_setting() if tolerance is None else tolerance
    n = min(CANDIDATES, scores.shape[1])
    top = np.argpartition(-scores, n - 1, axis=1)[:, :n]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    wanted = [set(relevant.indices[relevant.indptr[i]:relevant.indptr[i + 1]].tolist()) for i in range(len(top))]
    candidates = [[Ranked(str(p), float(scores[i, p]), category=categories[p])
                   for p in top[i] if np.isfinite(scores[i, p])] for i in range(len(top))]

    def ndcg(cap: int | None) -> float:
        found = []
        for items, relevant_items in zip(candidates, wanted, strict=True):
            if not relevant_items:
                continue
            ranked = diversify(items, cap=cap, window=DIVERSITY_WINDOW) if cap else items
            found.append(metrics.ndcg_at_k([int(item.product_id) for item in ranked], relevant_items, k))
        return float(np.mean(found)) if found else 0.0

    uncapped = ndcg(None)
    figures = {"none": round(uncapped, 5)}
    chosen = None
    for cap in CAPS:
        figures[str(cap)] = round(ndcg(cap), 5)
        if chosen is None and figures[str(cap)] >= (1.0 - tolerance) * uncapped:
            chosen = cap
    return {"cap": chosen, "window": DIVERSITY_WINDOW, "tolerance": tolerance, "validation_ndcg": figures,
            "validation_shoppers": int(sum(1 for w in wanted if w))}
