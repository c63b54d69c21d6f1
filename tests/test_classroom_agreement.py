"""Cohen's kappa for class against machine: known values, edge cases, and the class majority."""

from __future__ import annotations

import random

import pytest

from voicecoach.classroom.agreement import class_heard, cohen_kappa


def test_textbook_example():
    # 50 items: both yes 20, both no 15, first yes/second no 5, first no/second yes 10
    first = [True] * 20 + [False] * 15 + [True] * 5 + [False] * 10
    second = [True] * 20 + [False] * 15 + [False] * 5 + [True] * 10
    result = cohen_kappa(first, second)
    # po = 0.7; pe = 0.5*0.6 + 0.5*0.4 = 0.5; kappa = 0.4
    assert result.items == 50 and result.agreed == 35 and result.share == pytest.approx(0.7)
    assert result.kappa == pytest.approx(0.4)


def test_matches_the_definition_on_random_judgements():
    rng = random.Random(7)
    for _ in range(200):
        n = rng.randint(1, 40)
        first = [rng.random() < 0.4 for _ in range(n)]
        second = [a if rng.random() < 0.7 else rng.random() < 0.5 for a in first]
        result = cohen_kappa(first, second)
        table = {(a, b): sum(1 for x, y in zip(first, second) if (x, y) == (a, b)) for a in (True, False) for b in (True, False)}
        po = (table[True, True] + table[False, False]) / n
        pe = ((table[True, True] + table[True, False]) * (table[True, True] + table[False, True])
              + (table[False, False] + table[False, True]) * (table[False, False] + table[True, False])) / n**2
        if pe >= 1:
            assert result.kappa is None
        else:
            assert result.kappa == pytest.approx((po - pe) / (1 - pe))
        assert -1.0 <= (result.kappa if result.kappa is not None else 0) <= 1.0


def test_perfect_and_opposite_and_undefined():
    assert cohen_kappa([True, False, True], [True, False, True]).kappa == pytest.approx(1.0)
    assert cohen_kappa([True, False], [False, True]).kappa == pytest.approx(-1.0)
    assert cohen_kappa([False, False], [False, False]).kappa is None  # no variation: kappa says nothing
    assert cohen_kappa([], []).items == 0
    with pytest.raises(ValueError):
        cohen_kappa([True], [])


def test_class_majority():
    assert not class_heard(0, 0) and not class_heard(0, 3)
    assert class_heard(1, 1) and class_heard(1, 2) and not class_heard(1, 3) and class_heard(2, 3)
