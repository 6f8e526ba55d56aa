"""`scrapy crawl sites`: list pages, sitemaps and (when patterns are unknown) discovery."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Any
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler.sources import Source, url_matches
from crawler.spiders.base import NewsSpider
from crawler.urls import (
    canonical_url,
    is_document_url,
    looks_like_article,
    looks_like_navigation,
    same_site,
)

logger = logging.getLogger(__name__)

_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml")
MAX_SITEMAP_DEPTH = 3


class SitesSpider(NewsSpider):
    name = "sites"

    async def start(self) -> AsyncIterator[Any]:
        for source in self.sources:
            for request in self.site_start_requests(source):
                yield request

    def site_start_requests(self, source: Source) -> list[scrapy.Request]:
        requests = [self.listing_request(url, source, depth=0) for url in source.start_urls]
        requests += [self.sitemap_request(url, source, depth=0) for url in source.sitemaps]
        if not source.article_patterns and (source.homepage or source.start_urls):
            # patterns unknown: look for the sitemaps that robots.txt announces
            home = source.homepage or source.start_urls[0]
            requests.append(scrapy.Request(
                urljoin(home, "/robots.txt"), callback=self.parse_robots, errback=self.on_error,
                dont_filter=True, meta={"source_id": source.id, "dont_obey_robotstxt": True},
            ))
        return requests

    def listing_request(self, url: str, source: Source, depth: int) -> scrapy.Request:
        # start pages are fetched on every crawl; deeper list pages once per crawl
        return scrapy.Request(
            canonical_url(url), callback=self.parse_listing, errback=self.on_error,
            dont_filter=depth == 0, meta={"source_id": source.id, "depth_in_source": depth},
        )

    def sitemap_request(self, url: str, source: Source, depth: int) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.parse_sitemap, errback=self.on_error, dont_filter=depth == 0,
            meta={"source_id": source.id, "sitemap_depth": depth},
        )

    @staticmethod
    def _matches(url: str, patterns: Iterable[str]) -> bool:
        return url_matches(url, patterns)

    def is_article(self, url: str, source: Source) -> bool:
        if source.article_patterns:
            return self._matches(url, source.article_patterns)
        return looks_like_article(url) or is_document_url(url)

    def is_followable(self, url: str, source: Source) -> bool:
        if source.follow_patterns:
            return self._matches(url, source.follow_patterns)
        return looks_like_navigation(url)

    def parse_listing(self, response: Response) -> Iterable[scrapy.Request]:
        source = self.source(response.meta["source_id"])
        depth = response.meta.get("depth_in_source", 0)
        if not hasattr(response, "css"):
            self.crawler.stats.inc_value("newsmon/listing/not_html")
            return
        if not source.article_patterns and depth == 0:
            for feed_url in self._feed_links(response):
                yield self.feed_request(feed_url, source.id)
        for href in response.css("a::attr(href)").getall():
            href = href.strip()
            if not href or href.startswith(("javascript:", "mailto:", "#", "data:", "tel:")):
                continue
            url = canonical_url(response.urljoin(href))
            if not url.startswith(("http://", "https://")) or not same_site(url, response.url):
                continue
            if self.is_article(url, source):
                request = self.article_request(url, source)
                if request is not None:
                    yield request
            elif depth < source.max_depth and self.is_followable(url, source):
                yield self.listing_request(url, source, depth + 1)

    @staticmethod
    def _feed_links(response: Response) -> list[str]:
        """Feeds a home page announces with <link rel="alternate" type="application/rss+xml">."""
        links = []
        for link in response.css("link[rel=alternate]"):
            media_type = (link.attrib.get("type") or "").split(";")[0].strip().lower()
            href = link.attrib.get("href")
            if href and media_type in _FEED_TYPES:
                links.append(response.urljoin(href))
        return links

    def parse_robots(self, response: Response) -> Iterable[scrapy.Request]:
        source = self.source(response.meta["source_id"])
        for url in sitemap_urls_from_robots(response.body, base_url=response.url):
            yield self.sitemap_request(url, source, depth=0)

    def parse_sitemap(self, response: Response) -> Iterable[scrapy.Request]:
        source = self.source(response.meta["source_id"])
        depth = response.meta.get("sitemap_depth", 0)
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:
                self.crawler.stats.inc_value("newsmon/sitemaps/bad")
                logger.warning("bad gzip sitemap %s: %s", response.url, exc)
                return
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # lxml raises several types on garbage
            self.crawler.stats.inc_value("newsmon/sitemaps/bad")
            logger.warning("unreadable sitemap %s: %s", response.url, exc)
            return
        self.crawler.stats.inc_value("newsmon/sitemaps/parsed")
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            url = urljoin(response.url, loc.strip())
            if sitemap.type == "sitemapindex":
                if depth < MAX_SITEMAP_DEPTH:
                    yield self.sitemap_request(url, source, depth + 1)
                continue
            if not same_site(url, response.url):
                continue
            news_sitemap = "news" in entry
            if news_sitemap or self.is_article(canonical_url(url), source):
                request = self.article_request(url, source)
                if request is not None:
                    yield request
