"""`newsmon reprocess`: re-extract stored articles from their kept raw HTML."""

from __future__ import annotations

import click

from crawler.extract import ExtractionError
from newsmon.context import AppContext, pass_app
from newsmon.offline import process_page
from storage.articles import iter_raw_pages, update_article_from_item


@click.command("reprocess")
@click.option("--source", metavar="ID", help="Only pages of this source.")
@pass_app
def command(app: AppContext, source: str | None) -> None:
    """Re-run extraction, normalisation and classification over the stored raw pages
    (after an extractor or taxonomy upgrade). Story membership is kept."""
    db = app.database()
    updated = failed = 0
    for page, body in iter_raw_pages(db):
        if source and page.source_id != source:
            continue
        try:
            item = process_page(body, page.url, page.source_id, http_encoding=page.encoding)
        except ExtractionError:
            failed += 1
            continue
        item.canonical_url = page.canonical_url
        if update_article_from_item(db, item):
            updated += 1
    click.echo(f"re-extracted {updated} article(s); {failed} page(s) yielded no article")
