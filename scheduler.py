"""The newsmon daemon: `python scheduler.py [--db URL] [--sources-file FILE]`.

Crawls each source on its schedule (each crawl in a child process), sends the daily
digest and does housekeeping; see newsmon/daemon/. Same as `newsmon daemon`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from crawler.sources import default_sources_path
from newsmon.daemon.service import EXIT_USAGE, configure_logging, run_daemon
from newsmon.daemon.settings import DaemonSettings, DaemonSettingsError
from storage.db import default_database_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scheduler.py", description=__doc__.splitlines()[0])
    parser.add_argument("--db", metavar="URL", default=None,
                        help="database URL (default: $NEWSMON_DATABASE_URL or sqlite:///var/newsmon.db)")
    parser.add_argument("--sources-file", metavar="FILE", default=None,
                        help="sources registry (default: $NEWSMON_SOURCES or config/sources.yaml)")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="debug logging")
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    try:
        settings = DaemonSettings.from_env()
    except DaemonSettingsError as exc:
        logging.getLogger("newsmon.daemon").error("%s", exc)
        return EXIT_USAGE
    sources = Path(args.sources_file) if args.sources_file else default_sources_path()
    return run_daemon(args.db or default_database_url(), sources, settings)


if __name__ == "__main__":
    sys.exit(main())
