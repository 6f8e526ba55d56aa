"""What every `newsmon` command shares: the database URL, the sources file, logging."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from crawler.sources import Registry, SourcesError, default_sources_path, load_sources
from storage.db import Database, DatabaseError, default_database_url

EXIT_USAGE = 2


@dataclass
class AppContext:
    db_url: str
    sources_file: Path
    verbosity: int = 0

    def database(self, *, migrate: bool = True) -> Database:
        """The database, with its schema created or upgraded; exit 2 with a reason if unusable."""
        try:
            db = Database(self.db_url)
            if migrate:
                db.migrate()
        except DatabaseError as exc:
            fail(one_line(str(exc)))
        return db

    def registry(self) -> Registry:
        """The sources registry, and the taxonomy checked with it: a crawl needs both, and a
        bad taxonomy found only at the first article would fail the crawl after the fetching."""
        try:
            registry = load_sources(self.sources_file)
        except SourcesError as exc:
            fail("\n".join(f"newsmon: {one_line(p)}" for p in exc.problems).removeprefix("newsmon: "))
        from classify.taxonomy import TaxonomyError, load_taxonomy

        try:
            load_taxonomy(os.environ.get("NEWSMON_TAXONOMY") or None)
        except TaxonomyError as exc:
            fail(f"taxonomy: {one_line(str(exc))}")
        return registry


def one_line(message: str) -> str:
    """Drivers and parsers explain over several lines; an error line must stay one line."""
    return " ".join(message.split())


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    click.echo(f"newsmon: {message}", err=True)
    sys.exit(code)


def make_context(db: str | None, sources_file: str | None, verbosity: int) -> AppContext:
    level = logging.WARNING if verbosity == 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the handler filters, not the root logger: Scrapy resets the root logger's level
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)
    return AppContext(
        db_url=db or default_database_url(),
        sources_file=Path(sources_file) if sources_file else default_sources_path(),
        verbosity=verbosity,
    )


pass_app = click.make_pass_decorator(AppContext)
