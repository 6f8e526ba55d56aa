"""`newsmon extract FILE_OR_URL`: what newsmon would store for one page."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import click

from crawler.extract import ExtractionError
from crawler.settings import USER_AGENT
from newsmon.context import fail
from newsmon.offline import process_page
from newsmon.records import item_record


def _fetch(url: str) -> tuple[bytes, str | None]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(20 * 1024 * 1024), response.headers.get_content_charset()


@click.command("extract")
@click.argument("file_or_url")
@click.option("--url", help="The page's URL when FILE_OR_URL is a file (resolves links, dates).")
@click.option("--json", "as_json", is_flag=True, help="Print the article as one JSON object.")
def command(file_or_url: str, url: str | None, as_json: bool) -> None:
    """Extract, clean and classify one saved page or URL; print the fields."""
    encoding = None
    if file_or_url.startswith(("http://", "https://")):
        try:
            body, encoding = _fetch(file_or_url)
        except OSError as exc:
            fail(f"cannot fetch {file_or_url}: {exc}")
        page_url = url or file_or_url
    else:
        path = Path(file_or_url)
        try:
            body = path.read_bytes()
        except OSError as exc:
            fail(f"cannot read {path}: {exc}")
        page_url = url or path.resolve().as_uri().replace("file://", "http://localhost")
    try:
        item = process_page(body, page_url, http_encoding=encoding)
    except ExtractionError as exc:
        fail(f"{file_or_url}: no article found: {exc}", code=1)
    record = item_record(item)
    if as_json:
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
        return
    for key in ("title", "author", "published_at", "origin", "site_name", "language", "script",
                "primary_category", "regions", "organizations"):
        click.echo(f"{key:>16}: {record[key]}")
    click.echo("")
    click.echo(record["text"])
