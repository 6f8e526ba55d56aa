"""Helpers for bench/pipeline.py: the static server, the plain-Scrapy baseline, /proc sampling.

Run as a script it is one of the two child processes the benchmark starts:
  python bench/pipeline_support.py serve ROOT          (prints the port, serves until killed)
  python bench/pipeline_support.py scrapy URL PATTERN  (crawls, prints one JSON line)
Both are children so that their CPU is measured apart from the benchmark's own.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# settings that let a crawl of one loopback host run flat out (politeness is for real sites)
FAST_CRAWL_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
}


def serve(root: str) -> None:
    """Twisted's static File resource: one process, no thread per request, sendfile-free
    but far faster than http.server for thousands of 30–80 KB pages."""
    from twisted.internet import reactor as installed
    from twisted.web.server import Site
    from twisted.web.static import File

    reactor: Any = installed
    site = Site(File(root))
    site.displayTracebacks = False
    port = reactor.listenTCP(0, site, interface="127.0.0.1", backlog=256)
    print(port.getHost().port, flush=True)
    reactor.run()


def scrapy_baseline(start_url: str, article_pattern: str, follow_pattern: str) -> None:
    """A: plain Scrapy following the same links as newsmon, yielding only URL and length."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    article, follow = re.compile(article_pattern), re.compile(follow_pattern)

    class Baseline(scrapy.Spider):
        name = "baseline"

        async def start(self) -> Any:
            yield scrapy.Request(start_url, callback=self.parse)

        def parse(self, response: Any) -> Any:
            if article.search(response.url):
                yield {"url": response.url, "length": len(response.body)}
                return
            for href in response.css("a::attr(href)").getall():
                url = response.urljoin(href)
                if article.search(url) or follow.search(url):
                    yield scrapy.Request(url, callback=self.parse)

    settings = {"LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True, "TELNETCONSOLE_ENABLED": False,
                **{k: json.loads(v.lower()) for k, v in FAST_CRAWL_SETTINGS.items()}}
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(Baseline)
    started = time.monotonic()
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    print(json.dumps({"seconds": time.monotonic() - started,
                      "items": stats.get("item_scraped_count", 0),
                      "responses": stats.get("response_received_count", 0)}))


def cpu_times() -> list[tuple[int, int]]:
    """(busy, total) jiffies of each CPU, from /proc/stat."""
    rows = []
    for line in Path("/proc/stat").read_text().splitlines():
        if re.match(r"cpu\d+ ", line):
            values = [int(v) for v in line.split()[1:]]
            idle = values[3] + values[4]  # idle + iowait
            rows.append((sum(values) - idle, sum(values)))
    return rows


def utilisation(before: list[tuple[int, int]], after: list[tuple[int, int]]) -> list[float]:
    """Busy percentage of each CPU between two cpu_times() readings."""
    return [round(100.0 * (b1 - b0) / max(1, t1 - t0), 1) for (b0, t0), (b1, t1) in zip(before, after, strict=True)]


def process_tree(root_pid: int) -> list[int]:
    """The pid and all its descendants (a crawler and its extraction workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@dataclass
class RunResult:
    seconds: float
    stdout: str
    stderr: str
    cpu_percent: list[float]
    peak_rss_mb: float  # the whole process tree (crawler + worker processes)
    peak_main_rss_mb: float
    cpu_seconds: float  # CPU time the command's process tree used (robust to other load)
    main_cpu_seconds: float  # the command's own process (with py-spy: its child)
    extra: dict[str, Any] = field(default_factory=dict)


def run_measured(command: list[str], env: dict[str, str] | None = None, timeout: float = 3600,
                 profiled: bool = False) -> RunResult:
    """Run a command to its end, sampling its process tree's RSS and the CPUs' load."""
    peak = [0.0, 0.0]
    used: dict[int, float] = {}
    before = cpu_times()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    children_before = usage.ru_utime + usage.ru_stime
    started = time.monotonic()
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.25):
            pids = process_tree(child.pid)
            for pid in pids:
                used[pid] = max(used.get(pid, 0.0), cpu_seconds(pid))
            peak[0] = max(peak[0], sum(rss_mb(p) for p in pids))
            main = pids[1] if profiled and len(pids) > 1 else child.pid
            peak[1] = max(peak[1], rss_mb(main))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = child.communicate(timeout=timeout)
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    main_pid = child.pid if not profiled else min((p for p in used if p != child.pid), default=child.pid)
    main_cpu = used.get(main_pid, 0.0)
    # the children's own figure counts every waited-for descendant to its end
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    waited = children.ru_utime + children.ru_stime - children_before
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… exited {child.returncode}:\n{stderr[-3000:]}")
    return RunResult(seconds, stdout, stderr, utilisation(before, cpu_times()), round(peak[0], 1),
                     round(peak[1], 1), round(max(waited, sum(used.values())), 1), round(main_cpu, 1))


def start_server(root: Path) -> tuple[subprocess.Popen[str], str]:
    server = subprocess.Popen([sys.executable, __file__, "serve", str(root)], stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    port = server.stdout.readline().strip()
    if not port.isdigit():
        server.kill()
        raise RuntimeError("the static server did not start")
    return server, f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2])
    elif sys.argv[1:2] == ["scrapy"]:
        scrapy_baseline(*sys.argv[2:5])
    else:
        sys.exit(__doc__)
    os._exit(0)
