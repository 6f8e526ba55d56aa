"""The bundled demo site at run time: serve a copy of it on 127.0.0.1 and describe it as sources.

The committed pages write absolute URLs as ``{{site_url}}`` (a feed, a sitemap and robots.txt
need them); `DemoSites` copies the bundle to a temporary folder, starts one `LocalSite` per
site and fills in each one's real address.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from newsmon.demo.server import LocalSite

BUNDLE = Path(__file__).resolve().parent / "site"
SITES = ("gongyi", "mirror", "docs")
PLACEHOLDER = "{{site_url}}"
_FILLED_SUFFIXES = (".xml", ".txt")

SOURCES_TEMPLATE = """\
# Written by `newsmon demo`: the bundled sample sites on this machine.
sources:
  - id: demo-gongyi
    name: 公益时报（演示站）
    homepage: {gongyi}/
    feeds: ['{gongyi}/rss.xml']
    start_urls: ['{gongyi}/index.html', '{gongyi}/news/index.html']
    sitemaps: ['{gongyi}/sitemap.xml']
    article_patterns: ['/html/[a-z]+/\\d+\\.html$']
    follow_patterns: ['/news/index(_\\d+)?\\.html$']
    max_depth: 3
    allow_private_addresses: true
  # a Traditional-script mirror: no patterns, so articles are recognised by URL shape
  - id: demo-mirror
    name: 商業周刊網（演示鏡像）
    start_urls: ['{mirror}/gongyi/index.html']
    max_depth: 3
    allow_private_addresses: true
  # a document-sharing site: an HTML reading page and the .docx itself
  - id: demo-docs
    name: 冰豆网（演示）
    start_urls: ['{docs}/index.html']
    max_depth: 1
    allow_private_addresses: true
"""


class DemoSites:
    """Serve the bundled sites; `urls` maps a site name to its http://127.0.0.1:PORT."""

    def __init__(self, bundle: Path = BUNDLE) -> None:
        if not (bundle / SITES[0] / "index.html").is_file():
            raise FileNotFoundError(
                f"{bundle}: the demo site is missing; build it with python -m newsmon.demo.build_site"
            )
        self.bundle = bundle
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self.sites: dict[str, LocalSite] = {}

    @property
    def urls(self) -> dict[str, str]:
        return {name: site.url for name, site in self.sites.items()}

    @property
    def root(self) -> Path:
        if self._tmp is None:
            raise RuntimeError("DemoSites is not running")
        return Path(self._tmp.name)

    def start(self) -> DemoSites:
        self._tmp = tempfile.TemporaryDirectory(prefix="newsmon-demo-")
        shutil.copytree(self.bundle, self.root, dirs_exist_ok=True)
        for name in SITES:
            self.sites[name] = LocalSite(self.root / name).start()
        for name, site in self.sites.items():
            fill_site_url(self.root / name, site.url)
        return self

    def stop(self) -> None:
        for site in self.sites.values():
            site.stop()
        self.sites.clear()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> DemoSites:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def write_sources(self, path: Path) -> Path:
        path.write_text(SOURCES_TEMPLATE.format(**self.urls), encoding="utf-8")
        return path


def fill_site_url(root: Path, url: str) -> None:
    for path in root.rglob("*"):
        if path.suffix in _FILLED_SUFFIXES and path.is_file():
            text = path.read_text(encoding="utf-8")
            if PLACEHOLDER in text:
                path.write_text(text.replace(PLACEHOLDER, url), encoding="utf-8")
