"""Scale-out benchmark: one `newsmon worker` against two, on one Redis frontier and one
PostgreSQL store, crawling the same generated local site, measured in one run.

    python bench/scaleout.py [--pages 2000] [--delay 0.05] [--per-domain 1] [--page-kb 4 8]

Each worker keeps its own politeness limits (DOWNLOAD_DELAY, CONCURRENT_REQUESTS_PER_DOMAIN),
as in production, where a crawl is bound by politeness and the network rather than CPU: the
defaults model that. With `--delay 0 --per-domain 16` the crawl is CPU-bound instead, and
on one 2-core machine two workers cannot beat one (they share the same cores); scale-out
then pays off only across machines.

Prints the wall-clock time of each crawl, pages/s and the ratio; the last line is JSON.
Uses Redis database 13 (flushed) and a throwaway PostgreSQL database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis
from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsmon.demo.server import LocalSite  # noqa: E402
from newsmon.testsite import generate_site, texts_from_shared  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/13"
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def crawl_with(workers: int, site_root: Path, pages: int, workdir: Path, delay: float,
               per_domain: int) -> dict[str, float]:
    name = f"newsmon_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    redis.Redis.from_url(REDIS_URL).flushdb()
    try:
        with LocalSite(site_root) as server:
            sources = workdir / "sources.yaml"
            sources.write_text(
                "sources:\n  - id: gen\n    name: 生成站\n"
                f"    start_urls: ['{server.url}/list/index.html']\n"
                "    article_patterns: ['/news/\\d+\\.html$']\n"
                "    follow_patterns: ['/list/index(_\\d+)?\\.html$']\n"
                "    max_depth: 2\n    max_pages: 1000000\n    allow_private_addresses: true\n",
                encoding="utf-8")
            env = dict(os.environ, NEWSMON_REDIS_URL=REDIS_URL, NEWSMON_ALLOW_PRIVATE_ADDRESSES="1")
            base = [sys.executable, "-m", "newsmon", "--db", db_url, "--sources-file", str(sources)]
            subprocess.run([*base, "init"], env=env, check=True, capture_output=True)
            subprocess.run([*base, "seed"], env=env, check=True, capture_output=True)
            started = time.monotonic()
            procs = [subprocess.Popen(
                [*base, "worker", "--exit-when-idle", "-s", f"DOWNLOAD_DELAY={delay}",
                 "-s", "AUTOTHROTTLE_ENABLED=False", "-s", f"CONCURRENT_REQUESTS_PER_DOMAIN={per_domain}",
                 "-s", f"NEWSMON_EXTRACT_WORKERS={max(1, (os.cpu_count() or 2) // workers)}"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(workers)]
            for proc in procs:
                proc.wait()
            seconds = time.monotonic() - started
            engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://"))
            with engine.connect() as conn:
                stored = int(conn.execute(text("SELECT count(*) FROM articles")).scalar() or 0)
            engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return {"seconds": round(seconds, 1), "stored": stored, "pages_s": round(pages / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--delay", type=float, default=0.05, help="DOWNLOAD_DELAY per worker")
    parser.add_argument("--per-domain", type=int, default=1, help="CONCURRENT_REQUESTS_PER_DOMAIN per worker")
    parser.add_argument("--page-kb", type=int, nargs=2, default=(4, 8), metavar=("LO", "HI"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        site = generate_site(workdir / "site", args.pages, texts_from_shared(args.shared),
                             page_kb=tuple(args.page_kb))
        one = crawl_with(1, site.root, args.pages, workdir, args.delay, args.per_domain)
        print(f"1 worker : {one['seconds']:7.1f} s  {one['pages_s']:6.1f} pages/s  stored {one['stored']}")
        two = crawl_with(2, site.root, args.pages, workdir, args.delay, args.per_domain)
        print(f"2 workers: {two['seconds']:7.1f} s  {two['pages_s']:6.1f} pages/s  stored {two['stored']}")
        ratio = round(two["seconds"] / one["seconds"], 2)
        print(f"two workers take {ratio:.2f}x the time of one")
        print(json.dumps({"pages": args.pages, "delay": args.delay, "per_domain": args.per_domain,
                          "one_worker_s": one["seconds"], "two_workers_s": two["seconds"],
                          "ratio": ratio, "stored_one": one["stored"], "stored_two": two["stored"]}))


if __name__ == "__main__":
    main()
