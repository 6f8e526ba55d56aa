"""The labelled development set: large enough, well formed, every reference resolvable."""

from __future__ import annotations

import json
from collections import Counter

from classify.labels import NOT_WELFARE, is_holdout, load_labels
from tests.classify.conftest import LABELS


def _rows():
    return [json.loads(line) for line in LABELS.read_text("utf-8").splitlines() if line.strip()]


def test_at_least_150_labelled_items_with_unique_ids_and_known_labels(classifier):
    rows = _rows()
    assert len(rows) >= 150
    assert len({r["id"] for r in rows}) == len(rows)
    known = {*classifier.taxonomy.category_ids(), NOT_WELFARE}
    assert all(r["primary"] in known for r in rows)
    assert all(set(r.get("categories") or []) <= known for r in rows)


def test_every_reference_resolves_to_a_text(shared):
    articles = load_labels(LABELS, shared)
    assert len(articles) == len(_rows())
    empty = [a.id for a in articles if not (a.text or a.title)]
    assert not empty


def test_held_out_split_is_fixed_and_about_a_fifth():
    ids = [r["id"] for r in _rows()]
    held = [i for i in ids if is_holdout(i)]
    assert held == [i for i in ids if is_holdout(i)]  # no randomness
    assert 0.1 < len(held) / len(ids) < 0.3
    assert Counter(is_holdout(i) for i in ["seed-000-a"] * 3).most_common(1)[0][1] == 3
