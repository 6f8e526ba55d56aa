"""`newsmon import FILE.jsonl`: bring articles from other tools and archives in."""

from __future__ import annotations

import time
from pathlib import Path

import click

from newsmon.commands.crawl import summary_table
from newsmon.context import AppContext, pass_app
from newsmon.crawling import run_crawl


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="import", show_default=True,
              help="Source id for lines that name none.")
@pass_app
def command(app: AppContext, file: Path, source: str) -> None:
    """Store JSON lines (url, title, text; optional published_at, source, author, html —
    news-please's JSON too) through the same normalise → dedup → classify → store stages
    as crawled articles. Bad lines are reported with their line number and skipped."""
    app.database()
    started = time.monotonic()
    reports = run_crawl(app.db_url, app.sources_file, [], ["import"],
                        {"LOG_LEVEL": "ERROR" if app.verbosity == 0 else "INFO"},
                        spider_kwargs={"path": str(file.resolve()), "source": source})
    spider = reports[0].spider_instance
    for number, reason in getattr(spider, "bad_lines", []):
        click.echo(f"{file}:{number}: skipped: {reason}", err=True)
    click.echo(summary_table(reports, time.monotonic() - started))
