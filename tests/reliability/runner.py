"""Run a crawl in this (child) process and print its stats as JSON on the last line.

`python -m tests.reliability.runner DB_URL SOURCES [--spider NAME] [--jobdir DIR] [-s NAME=VALUE]...`

A tripwire on `socket.connect`/`connect_ex` refuses, and writes to `$NEWSMON_TRIPWIRE`,
any connection to an address other than 127.0.0.1: the reliability tests prove that no
packet leaves loopback, whatever the crawler was asked to fetch.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
from typing import Any

LOOPBACK = ("127.0.0.1",)


def install_tripwire(log_path: str) -> None:
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def check(address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(address, tuple) and host not in LOOPBACK:
            with open(log_path, "a", encoding="utf-8") as log:
                log.write(f"{address!r}\n")
            raise OSError(f"tripwire: connection to {address!r} attempted")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return original_connect_ex(self, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("sources")
    parser.add_argument("--spider", action="append", default=[])
    parser.add_argument("-s", dest="settings", action="append", default=[])
    parser.add_argument("--jobdir")
    args = parser.parse_args()
    if os.environ.get("NEWSMON_TRIPWIRE"):
        install_tripwire(os.environ["NEWSMON_TRIPWIRE"])
    from newsmon.crawling import SPIDERS, run_crawl

    overrides = dict(pair.split("=", 1) for pair in args.settings)
    overrides.setdefault("LOG_LEVEL", "INFO")
    reports = run_crawl(args.db_url, args.sources, [], args.spider or list(SPIDERS), overrides,
                        jobdir=args.jobdir)
    result = {r.spider: {"stats": r.stats, "failure": r.failure} for r in reports}
    sys.stdout.write("\n" + json.dumps(result, default=str) + "\n")


if __name__ == "__main__":
    main()
