"""`newsmon digest`: build the daily digest; print it, write it as HTML, or mail it."""

from __future__ import annotations

import datetime as dt

import click

from digest import DigestConfig, DigestConfigError, run_digest
from digest.render import render_text
from newsmon.commands.articles import parse_since
from newsmon.context import AppContext, fail, pass_app

EXIT_NOT_SENT = 1


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"--date: {value!r} is not a date like 2026-11-23")
    return None


@click.command("digest")
@click.option("--date", "day", metavar="YYYY-MM-DD",
              help="The digest of this date: stories first seen from the day before at the "
                   "digest time ($NEWSMON_DIGEST_TIME, 08:00) until this day at that time. "
                   "Default: the latest digest time.")
@click.option("--since", metavar="DATE|AGE",
              help="Instead of one day, everything first seen since then, e.g. 7d or 2026-11-01.")
@click.option("--out", metavar="FILE.html", type=click.Path(dir_okay=False),
              help="Write the HTML digest to this file (for a browser); sends nothing by itself.")
@click.option("--send", is_flag=True, help="Mail it ($NEWSMON_SMTP_*, $NEWSMON_DIGEST_FROM/_TO).")
@click.option("--to", "recipients", multiple=True, metavar="ADDR",
              help="Recipient (repeatable, or comma-separated); default $NEWSMON_DIGEST_TO.")
@click.option("--force", is_flag=True, help="Send even if this date's digest was already sent.")
@pass_app
def command(app: AppContext, day: str | None, since: str | None, out: str | None, send: bool,
            recipients: tuple[str, ...], force: bool) -> None:
    """The daily digest: new stories grouped by category, one entry per story.

    Without --send or --out, prints the plain-text digest. A date already sent is not
    sent again without --force; exits 1 when asked to send and nothing was sent.
    """
    if day and since:
        fail("use either --date or --since, not both")
    try:
        config = DigestConfig.from_env()
    except DigestConfigError as exc:
        fail(str(exc))
    registry = app.registry() if app.sources_file.exists() else None
    db = app.database()
    try:
        result = run_digest(
            db, date=_parse_date(day), since=parse_since(since), send=send,
            to=list(recipients) or None, force=force, out=out, config=config,
            sources=registry.select() if registry else None,
            source_names={s.id: s.name for s in registry.sources} if registry else None,
        )
    except DigestConfigError as exc:
        fail(str(exc))
    finally:
        db.dispose()
    if result.out:
        click.echo(f"wrote {result.out} ({result.subject})", err=True)
    if not send:
        if not out:
            click.echo(render_text(result.digest), nl=False)
        return
    if result.status == "sent":
        click.echo(f"sent {result.subject!r} to {', '.join(result.recipients)}", err=True)
    elif result.status in ("skipped", "empty"):
        click.echo(f"not sent: {result.reason}", err=True)
    else:
        click.echo(f"newsmon: digest not sent: {result.reason}", err=True)
        raise SystemExit(EXIT_NOT_SENT)
