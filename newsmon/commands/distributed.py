"""`newsmon worker`, `newsmon seed`, `newsmon frontier`: crawling from a shared Redis frontier."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from crawler.frontier import Frontier
from newsmon.context import AppContext, fail, pass_app
from newsmon.crawling import run_crawl
from newsmon.distributed import redis_url_from_env, seed_frontier, worker_overrides

REDIS_HELP = "Redis URL of the shared frontier (default: $NEWSMON_REDIS_URL)."


def _redis_url(value: str | None) -> str:
    url = value or redis_url_from_env()
    if not url:
        fail("no Redis URL: set NEWSMON_REDIS_URL or pass --redis-url")
    return url


def _frontier(url: str) -> Frontier:
    import redis

    frontier = Frontier.from_url(url)
    try:
        frontier.client.ping()
    except redis.RedisError as exc:
        fail(f"cannot reach Redis at {url}: {exc}")
    return frontier


@click.command("worker")
@click.option("--redis-url", help=REDIS_HELP)
@click.option("--exit-when-idle", is_flag=True, help="Exit once the frontier is empty (for batch runs and tests).")
@click.option("--setting", "-s", "extra", multiple=True, metavar="NAME=VALUE", help="Override a Scrapy setting.")
@pass_app
def worker_command(app: AppContext, redis_url: str | None, exit_when_idle: bool, extra: tuple[str, ...]) -> None:
    """Take requests from the shared frontier and crawl them; idle, not exit, when it is empty."""
    url = _redis_url(redis_url)
    _frontier(url)
    app.registry()
    app.database()
    overrides: dict[str, str] = dict(pair.split("=", 1) for pair in extra if "=" in pair)
    run_crawl(app.db_url, app.sources_file, [], ["worker"], worker_overrides(url, overrides),
              spider_kwargs={"exit_when_idle": exit_when_idle})


@click.command("seed")
@click.option("--sources", "source_ids", default="", metavar="ID,…", help="Only these sources.")
@click.option("--redis-url", help=REDIS_HELP)
@pass_app
def seed_command(app: AppContext, source_ids: str, redis_url: str | None) -> None:
    """Queue the sources' feeds, list pages and sitemaps in the shared frontier once."""
    frontier = _frontier(_redis_url(redis_url))
    registry = app.registry()
    try:
        sources = registry.select([i.strip() for i in source_ids.split(",") if i.strip()])
    except Exception as exc:
        fail(str(exc))
    queued, skipped = seed_frontier(frontier, sources)
    click.echo(f"queued {queued} start request(s) for {len(sources)} source(s); "
               f"{skipped} already waiting")


@click.command("frontier")
@click.option("--redis-url", help=REDIS_HELP)
@click.option("--json", "as_json", is_flag=True)
@click.option("--clear", is_flag=True, help="Empty the frontier (queue, leases, seen set).")
def frontier_command(redis_url: str | None, as_json: bool, clear: bool) -> None:
    """Show the shared frontier: queue length, in-flight leases, oldest lease, re-queued."""
    frontier = _frontier(_redis_url(redis_url))
    if clear:
        frontier.clear()
        click.echo("frontier cleared")
        return
    status = frontier.status()
    if as_json:
        click.echo(json.dumps(asdict(status)))
        return
    oldest = f"{status.oldest_lease_age_s:.1f}s" if status.oldest_lease_age_s is not None else "-"
    click.echo(f"queued {status.queued}, in flight {status.in_flight} (oldest lease {oldest}), "
               f"done {status.done}, acknowledged {status.acked}, re-queued {status.requeued}")
    for worker, count in sorted(status.workers.items()):
        click.echo(f"  {worker}: {count} lease(s)")


commands = [worker_command, seed_command, frontier_command]
