"""`newsmon stories`: each news story once, with every site that carried it."""

from __future__ import annotations

import json
from typing import Any

import click

from newsmon.commands.articles import parse_since
from newsmon.context import AppContext, pass_app
from storage.stories import list_stories


@click.command("stories")
@click.option("--since", metavar="DATE|AGE", help="First seen since, e.g. 2026-11-01 or 7d.")
@click.option("--min-size", type=int, default=1, show_default=True, metavar="N",
              help="Only stories carried by at least N copies.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True)
@click.option("--limit", type=int, metavar="N")
@pass_app
def command(app: AppContext, since: str | None, min_size: int, fmt: str, limit: int | None) -> None:
    """List stories (clusters of reprints) with their copies, sites and first publication."""
    db = app.database()
    for story, copies in list_stories(db, parse_since(since), min_size, limit):
        representative = next((c for c in copies if c.is_representative), copies[0] if copies else None)
        record: dict[str, Any] = {
            "story_id": story.id,
            "size": len(copies),
            "first_published_at": story.first_published_at.isoformat() if story.first_published_at else None,
            "first_seen_at": story.first_seen_at.isoformat(),
            "title": representative.title if representative else None,
            "representative": representative.url if representative else None,
            "sources": sorted({c.source_id for c in copies}),
            "copies": [{"id": c.id, "url": c.url, "source": c.source_id, "title": c.title,
                        "published_at": c.published_at.isoformat() if c.published_at else None,
                        "is_representative": c.is_representative} for c in copies],
        }
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False))
            continue
        first = (record["first_published_at"] or record["first_seen_at"])[:16].replace("T", " ")
        click.echo(f"{first}  ×{record['size']:<3} {(record['title'] or '(no title)')[:40]}")
        for copy in record["copies"]:
            mark = "*" if copy["is_representative"] else " "
            click.echo(f"      {mark} {copy['source'][:18]:<18} {(copy['published_at'] or '')[:16]:<16} {copy['url']}")
