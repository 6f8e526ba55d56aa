"""Behaviour of near-duplicate detection: what a reader of the story list would notice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import opencc
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import (
    Copy,
    DedupParams,
    NearDuplicateIndex,
    Signature,
    SignatureFormatError,
    choose_representative,
    compute_signature,
    fingerprint,
    matching_text,
)
from tests.services import redis_url

SEEDS = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"

FLOOD_A = (
    "7月20日，河南省慈善总会联合多家基金会启动“驰援河南防汛救灾”专项行动，首批向新乡、卫辉"
    "两地调拨冲锋舟40艘、救生衣3000件和饮用水2万箱。省慈善总会负责人介绍，此次行动共接收社会"
    "捐赠款物1.2亿元，将优先用于受灾群众的临时安置和基本生活保障。来自郑州的200余名志愿者已"
    "分批进入安置点，协助发放物资、登记受灾群众信息，并为老人和儿童提供心理疏导服务。下一步，"
    "总会将联合医疗机构开展灾后防疫消杀，帮助受损学校在开学前完成修缮。"
)
FLOOD_B = (
    "连日暴雨导致卫辉市城区大面积积水，当地红十字会紧急设立五个救助站。记者在唐庄镇救助站看"
    "到，志愿者正将一箱箱矿泉水和方便面搬上货车，送往被洪水围困的村庄。卫辉市红十字会秘书长"
    "表示，目前救助站每天接待转移群众约1500人次，急需帐篷、消毒液和常用药品。河南省慈善总会"
    "调拨的冲锋舟已在新乡投入救援，累计转移被困群众800余人。红十字会呼吁爱心企业和个人通过官"
    "方渠道捐赠，避免物资在同一地点积压。"
)


def seed_text(number: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"shared seeds not found at {SEEDS} (checkout shared/ beside the repo)")
    return next(SEEDS.glob(f"{number}_*.txt")).read_text(encoding="utf-8")


def simplified_article(text: str) -> str:
    """Seed 003's article body, as the mainland original would print it (no mirror footer)."""
    body = text[: text.index("關(guān)鍵詞")]
    return str(opencc.OpenCC("t2s").convert(matching_text(body)))


def index_with(*texts: str, params: DedupParams | None = None) -> NearDuplicateIndex:
    index = NearDuplicateIndex(params)
    for article_id, text in enumerate(texts, start=1):
        index.insert(article_id, fingerprint(text), story_id=100 + article_id)
    return index


def test_traditional_mirror_with_pinyin_and_footer_joins_simplified_story() -> None:
    mirror = seed_text("003")
    index = index_with(simplified_article(mirror))
    match = index.match(fingerprint(mirror))
    assert match is not None
    assert match.story_id == 101


def test_two_reports_on_the_same_flood_relief_stay_apart() -> None:
    index = index_with(FLOOD_A)
    assert index.match(fingerprint(FLOOD_B)) is None
    assert index.match(fingerprint(FLOOD_A + "（责任编辑：李明）")) is not None


def test_short_notices_match_by_exact_hash_only() -> None:
    notice = "本会定于下周五召开理事会，请各位理事准时参加。"
    assert len(matching_text(notice)) < DedupParams().min_length
    index = index_with(notice)
    # not even an identical short notice comes back: the exact-hash layer owns these
    assert len(index) == 0
    assert index.match(fingerprint(notice + "特此通知。")) is None


def test_rebuild_from_stored_rows_finds_the_same_story() -> None:
    original = FLOOD_A
    rows = [(7, 70, fingerprint(original))]
    index = NearDuplicateIndex()
    assert index.rebuild(rows) == 1
    match = index.match(fingerprint(opencc.OpenCC("s2t").convert(original)))
    assert match is not None and (match.article_id, match.story_id) == (7, 70)
    assert index.story_of(7) == 70


def test_signature_matches_datasketch_minhash() -> None:
    from datasketch import MinHash

    from dedup.signature import shingle_hashes

    params = DedupParams()
    text = matching_text(FLOOD_A)
    ours = compute_signature(text, params)
    theirs = MinHash(num_perm=params.num_perm, seed=params.seed, hashfunc=int)
    theirs.update_batch([int(h) for h in shingle_hashes(text, params.shingle_size)])
    assert np.array_equal(ours.hashvalues, theirs.hashvalues)
    assert ours.minhash().jaccard(theirs) == 1.0


@given(st.text(max_size=400))
def test_signature_bytes_round_trip(text: str) -> None:
    data = fingerprint(text)
    back = Signature.from_bytes(data)
    assert back.to_bytes() == data
    assert back.length == len(matching_text(text))


def test_truncated_signature_bytes_are_refused_with_a_reason() -> None:
    with pytest.raises(SignatureFormatError, match="expected"):
        Signature.from_bytes(fingerprint(FLOOD_A)[:-4])


def test_representative_is_the_origins_earliest_copy() -> None:
    t0 = datetime(2024, 8, 16, 9, 0)
    portal = Copy(1, t0, t0, source_name="新浪公益", origin="公益时报")
    original = Copy(2, t0 + timedelta(hours=2), t0, site_name="公益时报网")
    mirror = Copy(3, t0 - timedelta(hours=1), t0, site_name="商业周刊网")
    assert choose_representative([portal, original, mirror]).article_id == 2


def test_representative_without_origin_is_earliest_then_first_fetched() -> None:
    t0 = datetime(2024, 8, 16, 9, 0)
    a = Copy(1, t0, t0 + timedelta(minutes=5))
    b = Copy(2, t0, t0)
    c = Copy(3, None, t0 - timedelta(days=1))
    assert choose_representative([a, b, c]).article_id == 2


@pytest.mark.redis
def test_redis_index_is_shared_between_processes() -> None:
    url = redis_url()  # skips with the reason, or fails under NEWSMON_REQUIRE_SERVICES=1
    prefix = f"newsmon:test:{uuid.uuid4().hex}"
    writer = NearDuplicateIndex(redis_url=url, prefix=prefix)
    reader = NearDuplicateIndex(redis_url=url, prefix=prefix)
    try:
        with writer.lock():
            writer.insert(5, fingerprint(FLOOD_A), story_id=50)
        match = reader.match(fingerprint(opencc.OpenCC("s2t").convert(FLOOD_A)))
        assert match is not None and (match.article_id, match.story_id) == (5, 50)
        assert reader.match(fingerprint(FLOOD_B)) is None
        assert reader.story_of(5) == 50
    finally:
        writer.clear()


# --- the per-crawl memories are bounded; the database answers for what they forgot -----

def test_bounded_recent_memory_still_drops_a_copy_it_forgot(sqlite_url: str, shared_dir: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from scrapy.exceptions import DropItem
    from scrapy.utils.test import get_crawler
    from twisted.internet import defer

    import pipelines.dedup

    # no reactor here: the thread hops run inline
    monkeypatch.setattr(pipelines.dedup.threads, "deferToThread",
                        lambda f, *args, **kwargs: defer.maybeDeferred(f, *args, **kwargs))

    from crawler.items import ArticleItem
    from crawler.resources import crawl_database
    from pipelines.normalize import normalize_article
    from storage.articles import store_articles

    crawler = get_crawler(settings_dict={"NEWSMON_DATABASE_URL": sqlite_url, "NEWSMON_RECENT_CACHE_SIZE": 2})
    pipeline = pipelines.dedup.DedupPipeline.from_crawler(crawler)
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))[:4]

    def item(n: int, url: str) -> ArticleItem:
        return normalize_article(ArticleItem(source_id="s", url=url, canonical_url=url, title=f"t{n}",
                                             fetched_at=datetime.now(UTC),
                                             text=seeds[n].read_text(encoding="utf-8")[:2000]))

    async def run() -> None:
        await pipeline.open_spider()
        first = await pipeline.process_item(item(0, "http://s.example/0.html"))
        store_articles(crawl_database(crawler), [first])  # the store stage wrote it
        for n in (1, 2, 3):  # push it out of the two-entry memory
            await pipeline.process_item(item(n, f"http://s.example/{n}.html"))
        assert "http://s.example/0.html" not in pipeline.seen_urls
        with pytest.raises(DropItem, match="duplicate_text"):
            await pipeline.process_item(item(0, "http://s.example/0-copy.html"))

    asyncio.run(run())
    assert len(pipeline.seen_urls) == 2 and len(pipeline.by_hash) == 2
    assert crawler.stats.get_value("newsmon/dropped/duplicate_text") == 1


def test_index_memory_per_article_stays_small_and_answers_like_full_signatures() -> None:
    """A long crawl's memory grows with its dedup index: keep that growth under 0.64 KB an
    article, with the same verdicts full-precision signatures give."""
    from dedup.decide import Candidate, decide

    params = DedupParams()
    rng = np.random.default_rng(7)
    index = NearDuplicateIndex(params)
    filler = 30_000
    index.rebuild(
        (n, n, Signature(rng.integers(0, 2**32, 128, dtype=np.uint32), 900, 1000, 5, 1).to_bytes())
        for n in range(1, filler + 1)
    )
    texts = [FLOOD_A, FLOOD_B, FLOOD_A + "（责任编辑：李明）", FLOOD_B[40:], FLOOD_A[::-1]]
    stored: dict[int, Signature] = {}
    verdicts = []
    for article_id, text in enumerate(texts, start=10**6):
        signature = compute_signature(matching_text(text), params)
        at_full_precision = decide(
            signature,
            [Candidate(a, a, stored[a]) for a in index.query(signature) if a in stored],
            params,
        )
        found = index.match(signature)
        assert (found and found.article_id) == (at_full_precision and at_full_precision.article_id)
        verdicts.append(found is not None)
        index.insert(article_id, signature, article_id)
        stored[article_id] = signature
    assert verdicts == [False, False, True, True, False]
    assert index.match(fingerprint(FLOOD_A + "（本文来源：公益时报）")) is not None
    store_bytes = index._store.nbytes  # type: ignore[attr-defined]
    assert store_bytes / len(index) < 640
