"""`newsmon demo`: crawl the bundled sample sites on 127.0.0.1 into a fresh SQLite file, offline."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from newsmon.context import AppContext, fail, pass_app

DEFAULT_DEMO_DB = Path("var") / "demo.db"
DEMO_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    # drops are counted by reason in the summary; a warning with the whole item is noise here
    "DEFAULT_DROPITEM_LOG_LEVEL": "INFO",
}
SHOWN_TIMEZONE = ZoneInfo("Asia/Shanghai")


def demo_database_url(explicit: str | None) -> str:
    """The user's --db if given; otherwise var/demo.db, removed first so the demo starts fresh."""
    if explicit:
        return explicit
    DEFAULT_DEMO_DB.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{DEFAULT_DEMO_DB}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{DEFAULT_DEMO_DB}"


def stored_table(records: list[dict[str, Any]]) -> str:
    lines = [f"{'published':<16}  {'source':<12}  {'category':<14}  title"]
    for record in records:
        stamp = record["published_at"] or record["first_seen_at"]
        when = (datetime.fromisoformat(stamp).astimezone(SHOWN_TIMEZONE).strftime("%Y-%m-%d %H:%M")
                if stamp else "")
        title = (record["title"] or "(no title)").replace("\n", " ")[:38]
        lines.append(f"{when:<16}  {record['source'][:12]:<12}  "
                     f"{(record['primary_category'] or '-')[:14]:<14}  {title}")
    return "\n".join(lines)


def reprint_line(records: list[dict[str, Any]]) -> str:
    per_story = Counter(r["story_id"] for r in records if r["story_id"] is not None)
    reprinted = sum(1 for count in per_story.values() if count > 1)
    return (f"{len(records)} articles in {len(per_story)} stories; "
            f"{reprinted} stories were reprinted by another source")


@click.command("demo")
@click.option("--serve", is_flag=True, help="Keep the sample sites running after the crawl "
              "(until Ctrl-C) so you can browse them.")
@pass_app
def command(app: AppContext, serve: bool) -> None:
    """Crawl a bundled sample site offline and show what newsmon stored.

    Serves three small sample sites on 127.0.0.1 (a public-welfare paper with a feed,
    a sitemap, list pages and UTF-8/GBK articles; a Traditional-script mirror that
    reprints them; a document-sharing site with a .docx), crawls them into var/demo.db
    (or the global --db) and prints the stored articles.
    """
    from newsmon.commands.crawl import summary_table
    from newsmon.crawling import run_crawl
    from newsmon.demo.bundle import DemoSites
    from newsmon.records import article_record
    from storage.articles import ArticleQuery, list_articles

    explicit_db = click.get_current_context().find_root().params.get("db")
    db_url = demo_database_url(explicit_db)
    demo_app = AppContext(db_url=db_url, sources_file=app.sources_file, verbosity=app.verbosity)
    db = demo_app.database()
    # the sample sites live on 127.0.0.1, which a crawl otherwise refuses to fetch
    os.environ["NEWSMON_ALLOW_PRIVATE_ADDRESSES"] = "1"
    overrides = dict(DEMO_SETTINGS)
    if app.verbosity:
        overrides["LOG_LEVEL"] = "INFO" if app.verbosity == 1 else "DEBUG"
    try:
        sites = DemoSites().start()
    except (FileNotFoundError, OSError) as exc:
        fail(f"demo: {exc}")
    try:
        sources_file = sites.write_sources(sites.root / "sources.yaml")
        click.echo("Serving the sample sites: " + ", ".join(f"{n} {u}/" for n, u in sites.urls.items()))
        click.echo(f"Crawling them into {db_url} …")
        started = time.monotonic()
        reports = run_crawl(db_url, sources_file, [], ["feeds", "sites"], overrides=overrides,
                            progress=sys.stderr.isatty())
        seconds = time.monotonic() - started
        demo_ids = {"demo-gongyi", "demo-mirror", "demo-docs"}
        records = [article_record(a) for a in list_articles(db, ArticleQuery())
                   if a.source_id in demo_ids]
        click.echo("")
        click.echo(stored_table(records))
        click.echo(reprint_line(records))
        click.echo("")
        click.echo(summary_table(reports, seconds))
        click.echo("\nNext, try:\n"
                   f"  newsmon --db {db_url} articles --format jsonl\n"
                   f"  newsmon --db {db_url} articles --source demo-mirror\n"
                   f"  newsmon --db {db_url} articles --format csv\n"
                   "  newsmon demo --serve    (then open the sites above in a browser)")
        if serve:
            _serve_until_interrupted(sites.urls)
    finally:
        sites.stop()


def _serve_until_interrupted(urls: dict[str, str]) -> None:
    # Scrapy's shutdown handler still owns SIGINT after the crawl; take Ctrl-C back
    signal.signal(signal.SIGINT, signal.default_int_handler)
    click.echo("\nThe sample sites stay up until Ctrl-C:")
    for name, url in urls.items():
        click.echo(f"  {name:<7} {url}/")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("stopped")
