"""The merchandiser rules on a ranked list, as a pure function: what each kind does to the list a shopper sees."""
from __future__ import annotations

from shopgraph.graph.rules import ActiveRule
from shopgraph.models.merch_rules import apply_rules
from shopgraph.models.rules import Ranked


def ranked(*ids: str) -> list[Ranked]:
    """Items best first, scores 1.0, 0.9, 0.8, ...; each with its own evidence; category = first letter."""
    return [Ranked(pid, round(1.0 - i / 10, 2), [{"kind": "popular"}], pid[0]) for i, pid in enumerate(ids)]


def rule(kind: str, *products: str, weight: float = 1.0, pinned: tuple[str, ...] = (), id: str = "") -> ActiveRule:
    return ActiveRule(id or f"r-{kind}", kind, weight, frozenset(products), pinned)


def ids(items: list[Ranked]) -> list[str]:
    return [item.product_id for item in items]


def test_no_rules_leave_the_list_as_it_is():
    items = ranked("a1", "b1", "c1")

    assert apply_rules(items, []) is items


def test_exclude_takes_products_out():
    out = apply_rules(ranked("a1", "b1", "c1", "b2"), [rule("exclude", "b1", "b2", weight=0)])

    assert ids(out) == ["a1", "c1"]


def test_pin_puts_a_product_first_with_the_pinned_reason():
    out = apply_rules(ranked("a1", "b1", "c1"), [rule("pin", "c1", pinned=("c1",), id="r-7")])

    assert ids(out) == ["c1", "a1", "b1"]
    assert out[0].because[0] == {"kind": "pinned", "rule": "r-7"}
    assert out[0].because[1:] == [{"kind": "popular"}], "the ranker's evidence stays after the pin"
    assert out[0].score > out[1].score >= out[2].score


def test_a_pinned_product_the_ranker_did_not_find_is_added():
    out = apply_rules(ranked("a1", "b1"), [rule("pin", "z9", pinned=("z9",))])

    assert ids(out) == ["z9", "a1", "b1"]
    assert out[0].because == [{"kind": "pinned", "rule": "r-pin"}]


def test_a_category_pin_lifts_its_best_products_and_tops_up_with_best_sellers():
    items = ranked("a1", "b1", "k1", "c1", "k2", "k3", "k4")
    kitchen = rule("pin", "k1", "k2", "k3", "k4", "k5", pinned=("k5", "k4", "k1"))

    out = apply_rules(items, [kitchen], pin_limit=3)

    assert ids(out)[:3] == ["k1", "k2", "k3"], "the candidates of the category come first, best first"
    assert ids(out)[3:] == ["a1", "b1", "c1", "k4"]

    few = apply_rules(ranked("a1", "k2"), [kitchen], pin_limit=3)
    assert ids(few)[:3] == ["k2", "k5", "k4"], "best-sellers fill the pin when the list has too few"


def test_pins_with_a_higher_weight_come_first():
    out = apply_rules(ranked("a1", "b1", "c1"), [rule("pin", "b1", pinned=("b1",), weight=1, id="r-low"),
                                                 rule("pin", "c1", pinned=("c1",), weight=5, id="r-high")])

    assert ids(out) == ["c1", "b1", "a1"]


def test_boost_lifts_a_product_with_the_boosted_reason():
    items = ranked("a1", "b1", "c1", "d1", "e1")  # scores 1.0 .. 0.6, a range of 0.4

    part = apply_rules(items, [rule("boost", "e1", weight=0.6, id="r-b")])
    full = apply_rules(items, [rule("boost", "e1", weight=1.0)])

    assert ids(part) == ["a1", "b1", "e1", "c1", "d1"], "0.6 x the range lifts 0.6 to 0.84, between 0.9 and 0.8"
    assert part[2].because[0] == {"kind": "boosted", "rule": "r-b"}
    assert ids(full) == ["e1", "a1", "b1", "c1", "d1"], "1 x the range lifts past every product no rule touches"
    assert [item.because for item in part if item.product_id != "e1"] == [[{"kind": "popular"}]] * 4


def test_bury_drops_a_product_without_a_reason_the_shopper_would_see():
    out = apply_rules(ranked("a1", "b1", "c1", "d1", "e1"), [rule("bury", "a1", weight=1.0)])

    assert ids(out)[-1] == "a1"
    assert out[-1].because == [{"kind": "popular"}]


def test_rules_on_one_product_add_up():
    items = ranked("a1", "b1", "c1", "d1", "e1")

    out = apply_rules(items, [rule("boost", "e1", weight=0.5, id="r-1"), rule("bury", "e1", weight=0.5, id="r-2")])

    assert ids(out)[-1] == "e1", "a boost and an equal burial cancel out"


def test_exclude_wins_over_pin_and_boost():
    out = apply_rules(ranked("a1", "b1"), [rule("pin", "b1", pinned=("b1",)), rule("boost", "b1"),
                                           rule("exclude", "b1", weight=0)])

    assert ids(out) == ["a1"]


def test_no_rule_brings_back_what_the_shopper_must_not_see():
    out = apply_rules(ranked("a1", "b1"), [rule("pin", "z9", pinned=("z9",))], excluded={"z9"})

    assert ids(out) == ["a1", "b1"]


def test_the_input_list_is_not_modified():
    items = ranked("a1", "b1", "c1")
    before = [(item.product_id, item.score, list(item.because)) for item in items]

    apply_rules(items, [rule("boost", "c1"), rule("pin", "b1", pinned=("b1",))])

    assert [(item.product_id, item.score, list(item.because)) for item in items] == before
