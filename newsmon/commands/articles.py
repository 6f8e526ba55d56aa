"""`newsmon articles`: list stored articles as a table, JSON lines or CSV."""

from __future__ import annotations

import csv
import json
import sys
from datetime import UTC, datetime

import click

from newsmon.context import AppContext, fail, pass_app
from newsmon.records import article_record
from storage.articles import ArticleQuery, list_articles


def parse_since(value: str | None) -> datetime | None:
    """An ISO date or datetime, or a relative age like `24h` / `7d`."""
    if not value:
        return None
    from crawler.sources import parse_interval

    seconds = parse_interval(value)
    if seconds is not None:
        return datetime.fromtimestamp(datetime.now(UTC).timestamp() - seconds, UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--since: {value!r} is neither a date (2026-11-23) nor an age (24h, 7d)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@click.command("articles")
@click.option("--since", metavar="DATE|AGE", help="Published (or first seen) since, e.g. 2026-11-01 or 24h.")
@click.option("--source", metavar="ID", help="Only this source.")
@click.option("--category", metavar="NAME", help="Only articles in this category.")
@click.option("--region", metavar="NAME", help="Only articles mentioning this region.")
@click.option("--organization", metavar="NAME", help="Only articles mentioning this organisation.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
@click.option("--limit", type=int, metavar="N", help="At most N articles (newest first).")
@pass_app
def command(app: AppContext, since: str | None, source: str | None, category: str | None,
            region: str | None, organization: str | None, fmt: str, limit: int | None) -> None:
    """List stored articles, newest first."""
    db = app.database()
    articles = list_articles(db, ArticleQuery(parse_since(since), source, category, region,
                                              organization, limit))
    records = [article_record(a) for a in articles]
    if fmt == "jsonl":
        for record in records:
            click.echo(json.dumps(record, ensure_ascii=False))
    elif fmt == "csv":
        columns = ["id", "published_at", "source", "title", "author", "primary_category",
                   "story_id", "url"]
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(records)
    else:
        for record in records:
            date = (record["published_at"] or record["first_seen_at"] or "")[:16].replace("T", " ")
            title = (record["title"] or "(no title)").replace("\n", " ")[:40]
            click.echo(f"{date:<16}  {record['source'][:16]:<16}  "
                       f"{(record['primary_category'] or '-')[:20]:<20}  {title}")
        click.echo(f"{len(records)} article(s)", err=True)
