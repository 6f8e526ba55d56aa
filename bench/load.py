"""Load benchmark: a generated local site of N pages crawled end to end; memory must stay flat.

    python bench/load.py [--pages 100000] [--shared ../shared] [--db URL] [--keep DIR]

Generates the site (newsmon/testsite.py) once into a temporary folder (or --keep DIR,
reused when it already holds a site of that size), serves it with LocalSite on 127.0.0.1,
and runs `newsmon crawl --spider sites` in a child process. Every second it samples the
resident memory (VmRSS) of the crawler process and of its extraction workers. Prints the
peak RSS when 10%, 50% and 100% of the pages had been fetched (10k/50k/100k at the default
size), the ratio of each to the 10% figure (the baseline of the same run: flat memory is
~1.0), wall time and pages/s. The last line is JSON. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from newsmon.demo.server import LocalSite  # noqa: E402
from newsmon.testsite import generate_site, texts_from_shared  # noqa: E402

sys.path.insert(1, str(REPO / "bench"))
from pipeline_support import process_tree, rss_mb  # noqa: E402

CHECKPOINTS = (0.1, 0.5, 1.0)


def site_for(root: Path, pages: int, shared: Path) -> None:
    marker = root / ".pages"
    if marker.exists() and marker.read_text() == str(pages):
        return
    started = time.monotonic()
    generate_site(root, pages, texts_from_shared(shared), per_list=200)
    marker.write_text(str(pages))
    print(f"generated {pages} pages in {time.monotonic() - started:.0f}s", flush=True)


def crawl(root: Path, pages: int, db_url: str, workdir: Path) -> dict[str, object]:
    with LocalSite(root) as server:
        sources = workdir / "sources.yaml"
        sources.write_text(
            "sources:\n  - id: load\n    name: 压测站\n"
            f"    start_urls: ['{server.url}/list/index.html']\n"
            "    article_patterns: ['/news/\\d+\\.html$']\n"
            "    follow_patterns: ['/list/index(_\\d+)?\\.html$']\n"
            # the cap counts list pages too (one per 200 articles)
            f"    max_depth: 2\n    max_pages: {pages + pages // 100 + 10}\n    allow_private_addresses: true\n",
            encoding="utf-8")
        env = dict(os.environ, NEWSMON_ALLOW_PRIVATE_ADDRESSES="1")
        command = [sys.executable, "-m", "newsmon", "--db", db_url, "--sources-file", str(sources),
                   "crawl", "--spider", "sites", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                   "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING"]
        started = time.monotonic()
        proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        peak_main = peak_tree = 0.0
        marks: dict[str, dict[str, float]] = {}
        pending = list(CHECKPOINTS)
        while proc.poll() is None:
            time.sleep(1.0)
            main = rss_mb(proc.pid)
            tree = sum(rss_mb(p) for p in process_tree(proc.pid))
            peak_main, peak_tree = max(peak_main, main), max(peak_tree, tree)
            fetched = sum(1 for r in server.requests() if r.path.startswith("/news/"))
            while pending and fetched >= pending[0] * pages:
                label = f"{int(pending.pop(0) * pages)}"
                marks[label] = {"fetched": fetched, "seconds": round(time.monotonic() - started, 1),
                                "peak_rss_mb": round(peak_main, 1), "peak_tree_rss_mb": round(peak_tree, 1)}
                print(f"{label:>7} pages: peak RSS {peak_main:7.1f} MB crawler, {peak_tree:7.1f} MB with "
                      f"extraction workers ({marks[label]['seconds']}s)", flush=True)
        seconds = time.monotonic() - started
        summary = proc.stdout.read() if proc.stdout else ""
        fetched = sum(1 for r in server.requests() if r.path.startswith("/news/"))
        if pending:  # the crawl ended short of the last mark: report where it ended
            marks[f"{fetched} (end)"] = {"fetched": fetched, "seconds": round(seconds, 1),
                                         "peak_rss_mb": round(peak_main, 1),
                                         "peak_tree_rss_mb": round(peak_tree, 1)}
    print(summary.strip())
    base = next(iter(marks.values()), {}).get("peak_rss_mb") or 1.0
    return {"pages": pages, "fetched": fetched, "seconds": round(seconds, 1),
            "pages_per_s": round(fetched / seconds, 1), "returncode": proc.returncode, "marks": marks,
            "rss_ratio_to_first_mark": {k: round(v["peak_rss_mb"] / base, 2) for k, v in marks.items()},
            "peak_rss_mb": round(peak_main, 1), "peak_tree_rss_mb": round(peak_tree, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--db", default="", help="database URL (default: a SQLite file in the work dir)")
    parser.add_argument("--keep", type=Path, help="generate the site here and keep it for the next run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsmon-load-") as tmp:
        workdir = Path(tmp)
        root = args.keep or workdir / "site"
        site_for(root, args.pages, args.shared)
        result = crawl(root, args.pages, args.db or f"sqlite:///{workdir / 'load.db'}", workdir)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
