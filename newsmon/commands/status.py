"""`newsmon status`: per source, its schedule, next run, last run and whether it needs attention."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click

from newsmon.context import AppContext, pass_app


def _when(moment: datetime | None, now: datetime, tz: ZoneInfo) -> str:
    if moment is None:
        return "never"
    local = moment.astimezone(tz)
    seconds = (moment - now).total_seconds()
    ago = abs(seconds)
    span = (f"{ago:.0f}s" if ago < 120 else f"{ago / 60:.0f}m" if ago < 7200
            else f"{ago / 3600:.0f}h" if ago < 172800 else f"{ago / 86400:.0f}d")
    relative = f"in {span}" if seconds > 0 else f"{span} ago"
    fmt = "%H:%M:%S" if local.date() == now.astimezone(tz).date() else "%m-%d %H:%M"
    return f"{local.strftime(fmt)} ({relative})"


def _gap(gap: timedelta | None) -> str:
    if gap is None:
        return "?"
    seconds = gap.total_seconds()
    if seconds < 120:
        return f"{seconds:.0f}s"
    hours = seconds / 3600
    return f"{hours * 60:.0f}m" if hours < 2 else f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"


def _number(value: int | None) -> str:
    return "-" if value is None else str(value)


@click.command("status")
@click.option("--all", "include_disabled", is_flag=True, help="Also list disabled sources.")
@pass_app
def command(app: AppContext, include_disabled: bool) -> None:
    """Per source: schedule, next run, last run (time, result, pages, new articles,
    errors), and flags for sources that went silent or keep failing."""
    from newsmon.daemon.plan import next_run
    from storage.health import source_health
    from storage.schedule import last_crawl, last_finished_runs

    registry = app.registry()
    db = app.database()
    sources = registry.select(include_disabled=include_disabled)
    now = datetime.now(UTC)
    tz = ZoneInfo(os.environ.get("NEWSMON_TIMEZONE") or "Asia/Shanghai")
    health = {h.source_id: h for h in source_health(db, sources, now)}
    last = last_finished_runs(db, [s.id for s in sources])
    header = (f"{'source':<22} {'schedule':<12} {'next run':<22} {'last run':<22} "
              f"{'result':<10} {'pages':>5} {'new':>5} {'errors':>6}  attention")
    lines = [header]
    attention = 0
    for source in sources:
        h = health[source.id]
        crawl = last_crawl(db, source.id)
        if not source.enabled:
            upcoming = "disabled"
        elif crawl is not None and crawl.status == "running":
            upcoming = "running now"
        else:
            ended = last[source.id]
            due = next_run(source.schedule, source.timezone,
                           ended.started_at if ended else None, now)
            upcoming = "now (overdue)" if due <= now else _when(due, now, tz)
        flags = []
        if h.failing:
            flags.append(f"FAILING ({h.consecutive_failures} crawls in a row)")
        elif crawl is not None and crawl.status not in ("finished", "running", "shutdown"):
            # "shutdown": stopped with the daemon, not a failure of the source
            flags.append(f"last crawl {crawl.status}")
        if h.silent:
            flags.append(f"SILENT (no new article since {_when(h.last_article_at, now, tz)}; "
                         f"usual gap {_gap(h.expected_gap)})")
        attention += bool(flags)
        if crawl is None:
            last_run = ("never", "-", "-", "-", "-")
        else:
            last_run = (_when(crawl.ended_at or crawl.started_at, now, tz), crawl.status,
                        _number(crawl.pages), str(crawl.new_articles), str(crawl.errors))
        lines.append(
            f"{source.id:<22} {source.schedule:<12} {upcoming:<22} {last_run[0]:<22} "
            f"{last_run[1]:<10} {last_run[2]:>5} {last_run[3]:>5} {last_run[4]:>6}  "
            f"{'; '.join(flags)}"
        )
    lines.append(f"{len(sources)} source(s); {attention} need attention. Times in {tz.key}.")
    click.echo("\n".join(lines))
