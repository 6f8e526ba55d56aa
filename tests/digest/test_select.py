"""Which stories a digest covers, and in what order."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from digest.config import DigestConfig
from digest.select import (
    category_names,
    daily_window,
    default_digest_date,
    select_digest,
    since_window,
)
from storage.db import Database
from tests.digest.conftest import DIGEST_DATE, IN_WINDOW, NOW, make_item, store, store_copy

CONFIG = DigestConfig()


def test_window_is_the_24_hours_before_the_digest_time_in_local_time() -> None:
    window = daily_window(date(2026, 11, 23), CONFIG)
    assert window.start == datetime(2026, 11, 22, 0, 0, tzinfo=UTC)
    assert window.end == datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
    # 07:59 Shanghai on the 23rd is still the 22nd's digest; 08:00 is the 23rd's
    assert default_digest_date(datetime(2026, 11, 22, 23, 59, tzinfo=UTC), CONFIG) == date(2026, 11, 22)
    assert default_digest_date(datetime(2026, 11, 23, 0, 0, tzinfo=UTC), CONFIG) == date(2026, 11, 23)


def _titles(db: Database, **kwargs: object) -> list[list[str]]:
    window = kwargs.pop("window", daily_window(date.fromisoformat(DIGEST_DATE), CONFIG))
    digest = select_digest(db, window, CONFIG, now=NOW)  # type: ignore[arg-type]
    return [[e.title for e in s.entries] for s in digest.sections]


def test_only_stories_first_seen_in_the_window(db: Database) -> None:
    store(db, make_item(1, title="窗口内"))
    store(db, make_item(2, title="太早"), IN_WINDOW - timedelta(days=1))
    store(db, make_item(3, title="太晚"), NOW + timedelta(hours=1))
    old = store(db, make_item(4, title="旧新闻的新转载"), IN_WINDOW - timedelta(days=1))
    store_copy(db, old, 5, "s2")  # its first copy belonged to the previous digest
    store(db, make_item(6, title="不相关", relevant=False))
    assert _titles(db) == [["窗口内"]]


def test_most_carried_then_newest_first_within_a_category(db: Database) -> None:
    store(db, make_item(1, title="较早"), IN_WINDOW)
    store(db, make_item(2, title="较新"), IN_WINDOW + timedelta(hours=2))
    carried = store(db, make_item(3, title="被转载"), IN_WINDOW)
    store_copy(db, carried, 4, "s2")
    assert _titles(db) == [["被转载", "较新", "较早"]]


def test_sections_follow_the_taxonomy_then_unknown_then_other(db: Database) -> None:
    store(db, make_item(1, title="无分类", primary_category=None))
    store(db, make_item(2, title="未知类", primary_category="zzz_new"))
    store(db, make_item(3, title="环保", primary_category="environment"))
    store(db, make_item(4, title="乡村", primary_category="rural"))
    window = since_window(IN_WINDOW - timedelta(hours=1), NOW, CONFIG)
    digest = select_digest(db, window, CONFIG, now=NOW)
    assert [s.name for s in digest.sections] == ["生态环保", "乡村振兴", "zzz_new", "其他"]
    assert not window.daily


def test_category_names_fall_back_when_the_taxonomy_is_missing_or_odd(tmp_path: Path) -> None:
    assert category_names(tmp_path / "missing.yaml") == {}
    odd = tmp_path / "odd.yaml"
    odd.write_text("categories:\n  - id: a\n  - name: no id\n  - id: b\n    name: 乙\n", encoding="utf-8")
    assert category_names(odd) == {"a": "a", "b": "乙"}
