"""Product recommendations by co-occurrence (S16.4, seed 003 §9; ``state/_recommend.py``):
worked vectors and properties (the product itself never recommended, deterministic)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from salesmanago_emulator.state._recommend import (
    DEFAULT_WEIGHTS,
    KINDS,
    WEIGHTED,
    Profile,
    Recommendation,
    product_ids,
    recommend,
)


def _p(viewed: str, bought: str) -> Profile:
    return Profile(frozenset(product_ids(viewed)), frozenset(product_ids(bought)))


OTHERS = [_p("p1,p2", "p3"), _p("p1", "p3,p4"), _p("p2", "p4")]


def _shown(result: dict[str, tuple[Recommendation, ...]]) -> dict[str, list[tuple[str, str]]]:
    return {kind: [(r.product, str(r.score)) for r in items] for kind, items in result.items()}


def test_s16_4_worked_vector_for_a_contacts_own_views() -> None:
    assert _shown(recommend(_p("p1", ""), OTHERS)) == {
        "BOUGHT_AFTER_VIEWING": [("p3", "2.0000"), ("p4", "1.0000")],
        "VIEWED_TOGETHER": [("p2", "1.0000")],
        "BOUGHT_TOGETHER": [],
        "COLLABORATIVE": [("p3", "0.6667"), ("p2", "0.3333"), ("p4", "0.3333")],
        # 2*(1, 1/2) + 1*(1) + 2*(1, 1/2, 1/2): p3 4, then p2 and p4 2 (ties by id)
        "WEIGHTED": [("p3", "4.0000"), ("p2", "2.0000"), ("p4", "2.0000")],
    }


def test_s16_4_worked_vector_for_a_product_looked_at() -> None:
    found = _shown(recommend(_p("", ""), OTHERS, product="p3"))
    assert found["BOUGHT_AFTER_VIEWING"] == []
    assert found["BOUGHT_TOGETHER"] == [("p4", "1.0000")]
    assert found["COLLABORATIVE"] == [("p1", "0.6667"), ("p2", "0.3333"), ("p4", "0.3333")]


def test_s16_4_weights_change_the_mix_and_limit_cuts_each_list() -> None:
    only_views = {
        **DEFAULT_WEIGHTS,
        "BOUGHT_AFTER_VIEWING": Decimal(0),
        "COLLABORATIVE": Decimal(0),
    }
    found = _shown(recommend(_p("p1", ""), OTHERS, weights=only_views, limit=1))
    assert found["WEIGHTED"] == [("p2", "1.0000")]
    assert all(len(items) <= 1 for items in found.values())


_ids = st.sampled_from([f"p{i}" for i in range(8)])
_profiles = st.builds(Profile, st.frozensets(_ids, max_size=4), st.frozensets(_ids, max_size=4))


@given(_profiles, st.lists(_profiles, max_size=8), st.none() | _ids)
def test_s16_4_property_never_the_product_itself_and_deterministic(
    target: Profile, others: list[Profile], product: str | None
) -> None:
    found = recommend(target, others, product=product)
    assert set(found) == {*KINDS, WEIGHTED}
    assert found == recommend(target, list(reversed(others)), product=product)
    for kind, items in found.items():
        scores = [r.score for r in items]
        assert all(score > 0 for score in scores)
        assert scores == sorted(scores, reverse=True)
        if product is not None:
            assert product not in {r.product for r in items}, kind
    if product is None:
        assert not {r.product for r in found["VIEWED_TOGETHER"]} & target.viewed
        assert not {r.product for r in found["BOUGHT_TOGETHER"]} & target.bought
        assert not {r.product for r in found["COLLABORATIVE"]} & target.items


def test_product_ids_are_trimmed_and_blanks_dropped() -> None:
    assert product_ids(" a, b ,,c ") == ["a", "b", "c"]
    assert product_ids(None) == []
