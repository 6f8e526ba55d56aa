"""Query times of a large store: do `articles`, `stories` and the digest stay interactive?

    python bench/store_scale.py [--articles 1000000] [--db sqlite:///var/bench-store.db]

Fills the database (once; reused when it already holds enough articles) with synthetic
articles spread over a year, one in ten a reprint joining an earlier story, one or two
categories each, then times the queries the CLI and the digest run for "the last day".
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlalchemy import func, insert, select  # noqa: E402

from storage.articles import ArticleQuery, list_articles  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.digest import new_stories  # noqa: E402
from storage.models import Article, ArticleCategory, Story  # noqa: E402
from storage.stories import list_stories  # noqa: E402

CATEGORIES = ["environment", "rural", "health", "elderly", "disability", "children_education",
              "women", "disaster_emergency", "culture", "volunteering", "sector_governance",
              "corporate_philanthropy", "animal"]


def fill(db: Database, total: int, now: datetime, batch: int = 20_000) -> float:
    started = time.monotonic()
    rng = random.Random(3)
    with db.session() as session:
        have = int(session.scalar(select(func.count()).select_from(Article)) or 0)
    next_id = have + 1
    while next_id <= total:
        articles, categories, stories = [], [], []
        for article_id in range(next_id, min(total, next_id + batch - 1) + 1):
            seen = now - timedelta(seconds=rng.randrange(365 * 86400))
            reprint = article_id > 10 and rng.random() < 0.1
            story_id = rng.randrange(1, article_id) if reprint else article_id
            if not reprint:
                stories.append({"id": story_id, "representative_id": article_id, "size": 1,
                                "first_published_at": seen, "first_seen_at": seen})
            primary = rng.choice(CATEGORIES)
            articles.append({
                "id": article_id, "canonical_url": f"http://site{article_id % 200}.example/a/{article_id}.html",
                "url": f"http://site{article_id % 200}.example/a/{article_id}.html",
                "source_id": f"source-{article_id % 200}", "kind": "article",
                "title": f"公益新闻标题 {article_id}", "published_at": seen, "fetched_at": seen,
                "first_seen_at": seen, "text": "社会组织参与乡村振兴，基金会发布年度报告。" * 20,
                "text_normalized": "", "content_hash": f"{article_id:064x}", "story_id": story_id,
                "is_representative": not reprint, "primary_category": primary, "relevance": 0.9,
                "relevant": True, "regions": ["北京市"], "organizations": [], "keywords": [],
            })
            categories.append({"article_id": article_id, "category": primary, "score": 0.9})
            if rng.random() < 0.5:
                other = rng.choice([c for c in CATEGORIES if c != primary])
                categories.append({"article_id": article_id, "category": other, "score": 0.4})
        with db.session() as session:
            session.execute(insert(Story), stories)
            session.execute(insert(Article), articles)
            session.execute(insert(ArticleCategory), categories)
        next_id += batch
    return time.monotonic() - started


def timed(label: str, function, repeat: int = 3) -> dict[str, float]:  # type: ignore[no-untyped-def]
    best, size = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
        size = len(result)
    print(f"{label:<48} {best * 1000:9.1f} ms  ({size} rows)")
    return {"ms": round(best * 1000, 1), "rows": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--db", default="sqlite:///var/bench-store.db")
    args = parser.parse_args()
    db = Database(args.db)
    db.migrate()
    now = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
    seconds = fill(db, args.articles, now)
    print(f"store of {args.articles} articles ready ({seconds:.0f} s to fill)")
    day = now - timedelta(days=1)
    results = {
        "articles_last_day": timed("articles --since 1d --limit 50",
                                   lambda: list_articles(db, ArticleQuery(since=day, limit=50))),
        "articles_category": timed("articles --category environment --limit 50",
                                   lambda: list_articles(db, ArticleQuery(category="environment", limit=50))),
        "articles_source": timed("articles --source source-7 --limit 50",
                                 lambda: list_articles(db, ArticleQuery(source="source-7", limit=50))),
        "stories_last_day": timed("stories --since 1d",
                                  lambda: list_stories(db, day, 1)),
        "digest_last_day": timed("digest selection (new stories of one day)",
                                 lambda: new_stories(db, day, now)),
    }
    print(json.dumps({"articles": args.articles, **{k: v["ms"] for k, v in results.items()}}))


if __name__ == "__main__":
    main()
