"""`newsmon crawl`: run the spiders now and print a summary table."""

from __future__ import annotations

import sys
import time

import click

from crawler.extensions import summarize_stats
from newsmon.context import AppContext, fail, pass_app
from newsmon.crawling import SPIDERS, CrawlReport, run_crawl


def summary_table(reports: list[CrawlReport], seconds: float) -> str:
    lines = [f"{'spider':<8} {'pages':>7} {'stored':>7} {'dropped':>8} {'errors':>7}  finish"]
    total_pages = total_stored = 0
    for report in reports:
        # the same figures the crawl run records in the database
        run = summarize_stats(report.stats)
        pages, stored, reasons = run["pages"], run["items_stored"], run["dropped"]
        total_pages += pages
        total_stored += stored
        lines.append(f"{report.spider:<8} {pages:>7} {stored:>7} {sum(reasons.values()):>8} "
                     f"{run['errors']:>7}  {report.finish_reason or '?'}")
        if reasons:
            lines.append("         dropped: " + ", ".join(f"{k}={v}" for k, v in sorted(reasons.items())))
    rate = total_pages / seconds if seconds else 0.0
    lines.append(f"{total_pages} pages, {total_stored} articles stored in {seconds:.1f}s "
                 f"({rate:.1f} pages/s, {total_stored / seconds if seconds else 0:.1f} articles/s)")
    return "\n".join(lines)


@click.command("crawl")
@click.option("--sources", "source_ids", metavar="ID,…", default="", help="Only these sources.")
@click.option("--spider", type=click.Choice([*SPIDERS, "all"]), default="all", show_default=True)
@click.option("--setting", "-s", "extra", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy setting (repeatable).")
@click.option("--jobdir", type=click.Path(file_okay=False), metavar="DIR",
              help="Keep the crawl's state in DIR: a crawl killed mid-way resumes from there "
                   "when run again with the same DIR.")
@pass_app
def command(app: AppContext, source_ids: str, spider: str, extra: tuple[str, ...],
            jobdir: str | None) -> None:
    """Crawl the sources now: feeds, then sites, into the database."""
    registry = app.registry()
    ids = [i.strip() for i in source_ids.split(",") if i.strip()]
    try:
        registry.select(ids)
    except Exception as exc:
        fail(str(exc))
    app.database()  # fail early, with a clear message, on a bad database
    overrides: dict[str, str] = {}
    for pair in extra:
        name, sep, value = pair.partition("=")
        if not sep:
            fail(f"--setting needs NAME=VALUE, got {pair!r}")
        overrides[name] = value
    if app.verbosity == 0:
        overrides.setdefault("LOG_LEVEL", "WARNING")
    spiders = list(SPIDERS) if spider == "all" else [spider]
    started = time.monotonic()
    reports = run_crawl(app.db_url, app.sources_file, ids, spiders, overrides,
                        progress=sys.stderr.isatty(), jobdir=jobdir)
    click.echo(summary_table(reports, time.monotonic() - started))
    if not all(report.ok for report in reports):
        raise SystemExit(1)
