"""Generator settings chosen on the shop's own validation split."""
from __future__ import annotations

from shopgraph.models.generators import carve_validation
from shopgraph.models.tuning import CANDIDATES, MARGIN, fit_and_choose
from tests.models.conftest import SMALL_GENERATORS


def test_the_setting_with_the_best_validation_ndcg_is_chosen_and_every_figure_recorded(toy_shop):
    split = carve_validation(toy_shop, {"kind": "random", "share": 0.25}, seed=3)

    fitted, chosen, report = fit_and_choose(split, 3, ("collaborative",))

    figures = report["collaborative"]["candidates"]
    assert [figure["params"] for figure in figures] == list(CANDIDATES["collaborative"])
    # The best figure, unless it beats the settings listed before it by no more than the noise margin.
    best = figures[0]
    for figure in figures[1:]:
        if figure["validation_ndcg"] > best["validation_ndcg"] * (1 + MARGIN):
            best = figure
    assert best["validation_ndcg"] * (1 + MARGIN) >= max(figure["validation_ndcg"] for figure in figures)
    assert chosen["collaborative"] == best["params"] == report["collaborative"]["chosen"]
    # the model handed on (what hybrid and multi tune on) is the one fitted with the chosen setting
    for name, value in chosen["collaborative"].items():
        assert fitted["collaborative"].params[name] == value


def test_settings_the_caller_fixes_are_kept_and_not_weighed(toy_shop):
    split = carve_validation(toy_shop, {"kind": "random", "share": 0.25}, seed=3)

    fitted, chosen, report = fit_and_choose(split, 3, ("collaborative", "content"),
                                            fixed={"collaborative": SMALL_GENERATORS["collaborative"]})

    assert chosen == {"collaborative": SMALL_GENERATORS["collaborative"], "content": {}}
    assert report == {} and set(fitted) == {"collaborative", "content"}
