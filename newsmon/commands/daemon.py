"""`newsmon daemon`: run the scheduler daemon in the foreground (same as `python scheduler.py`)."""

from __future__ import annotations

import sys

import click

from newsmon.context import AppContext, fail, pass_app


@click.command("daemon")
@pass_app
def command(app: AppContext) -> None:
    """Crawl every source on its schedule, send the daily digest, keep the database tidy.

    Settings (environment): NEWSMON_TIMEZONE (Asia/Shanghai), NEWSMON_DIGEST_TIME (08:00,
    'off' to disable), NEWSMON_HOUSEKEEPING_TIME (03:30), NEWSMON_RAW_RETENTION_DAYS (90),
    NEWSMON_CRAWL_TIMEOUT (3600 s per crawl), NEWSMON_SHUTDOWN_GRACE (60 s),
    NEWSMON_MAX_PARALLEL_CRAWLS (4). SIGTERM/SIGINT stop it cleanly; SIGHUP re-reads the
    sources file. Only one daemon runs per database.
    """
    from newsmon.daemon.service import configure_logging, run_daemon
    from newsmon.daemon.settings import DaemonSettings, DaemonSettingsError

    try:
        settings = DaemonSettings.from_env()
    except DaemonSettingsError as exc:
        fail(str(exc))
    configure_logging(max(app.verbosity - 1, 0))
    sys.exit(run_daemon(app.db_url, app.sources_file, settings))
